package roommembership.pipeline.verify;

import roommembership.pipeline.apply.Reads;

import java.util.List;

/** What a step of the verify stage decided, and the reads it made to decide it, for the report. */
public record Verified<T>(T value, List<Reads> reads) {
    public Verified {
        reads = List.copyOf(reads);
    }
}
