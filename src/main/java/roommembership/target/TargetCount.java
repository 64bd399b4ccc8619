package roommembership.target;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/** How many targets of each kind a batch names, for its summary. */
public record TargetCount(int rooms, int channels) {

    public static TargetCount of(Collection<? extends Target> targets) {
        Map<Target.Kind, Integer> counts = new EnumMap<>(Target.Kind.class);
        targets.forEach(target -> counts.merge(target.kind(), 1, Integer::sum));
        return new TargetCount(counts.getOrDefault(Target.Kind.ROOM, 0), counts.getOrDefault(Target.Kind.CHANNEL, 0));
    }
}
