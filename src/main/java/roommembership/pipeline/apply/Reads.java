package roommembership.pipeline.apply;

import roommembership.pipeline.apply.Calls.Read;
import roommembership.target.Roster;
import roommembership.target.Target;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one read of targets gave: each target's roster, and what the log must show of them. */
public record Reads(Read read, Map<Target, Roster> rosters) {
    public Reads {
        rosters = Collections.unmodifiableMap(new LinkedHashMap<>(rosters));
    }

    /** The listings that had entries naming no member. */
    public List<OddEntries> oddEntries() {
        List<OddEntries> odd = new ArrayList<>();
        rosters.forEach((target, roster) -> {
            if (roster instanceof Roster.Known known && known.unnamedEntries() > 0) {
                odd.add(new OddEntries(target, name(), known.unnamedEntries(), 0));
            }
        });
        return odd;
    }

    /** The targets that could not be read. */
    public List<ReadFailure> failures() {
        List<ReadFailure> failures = new ArrayList<>();
        rosters.forEach((target, roster) -> {
            if (roster instanceof Roster.Unknown unknown) {
                failures.add(new ReadFailure(target, name(), unknown.errorCode(), unknown.message()));
            }
        });
        return failures;
    }

    private String name() {
        return read.name().toLowerCase(Locale.ROOT);
    }
}
