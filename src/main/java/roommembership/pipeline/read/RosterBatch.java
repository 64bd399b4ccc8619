package roommembership.pipeline.read;

import roommembership.model.SourceRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A batch's records split in two: the roster triggers handled apart from requests (S3's test event, and rosters to
 * plan without applying: every object of the trigger under {@code dry-run/}), and every other record, read as a
 * request. A roster to apply stays with the requests, in its place in the batch, where the read stage reads it as
 * the requests that carry it out (or refuses it with its reason).
 */
public record RosterBatch(List<SourceRecord> requests, List<Triggered> rosters) {
    /** The key prefix of a roster that is planned and not applied. */
    public static final String DRY_RUN_PREFIX = "dry-run/";

    public RosterBatch {
        requests = List.copyOf(requests);
        rosters = List.copyOf(rosters);
    }

    /** A record whose body is a roster trigger handled apart. */
    public record Triggered(SourceRecord record, RosterTrigger trigger) {
        public Triggered {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(trigger, "trigger");
        }
    }

    public static RosterBatch of(List<SourceRecord> records) {
        List<SourceRecord> requests = new ArrayList<>(records.size());
        List<Triggered> rosters = new ArrayList<>();
        for (SourceRecord record : records) {
            Optional<RosterTrigger> trigger = RosterTrigger.of(record.body()).filter(RosterBatch::handledApart);
            if (trigger.isPresent()) {
                rosters.add(new Triggered(record, trigger.get()));
            } else {
                requests.add(record);
            }
        }
        return new RosterBatch(requests, rosters);
    }

    /** Whether a roster object is one to plan without applying. */
    public static boolean dryRun(RosterTrigger.RosterObject object) {
        return object.key().startsWith(DRY_RUN_PREFIX);
    }

    private static boolean handledApart(RosterTrigger trigger) {
        return trigger instanceof RosterTrigger.TestEvent
                || (trigger instanceof RosterTrigger.Apply apply && apply.rosters().stream().allMatch(RosterBatch::dryRun));
    }
}
