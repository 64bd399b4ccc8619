package roommembership.pipeline.read;

import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.target.Target;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import static roommembership.model.Text.quoted;

/**
 * A message that asks for a roster to be applied rather than naming members itself: the bucket's event
 * notification ({@code "Records"} with {@code "eventSource": "aws:s3"}), the test event S3 sends when the notification
 * is set up, or {@code {"Roster": "s3://<bucket>/<key>"}} to apply one again on demand, to every target it names or,
 * with a target's ids besides ({@code ChannelArn}, or {@code AccountId} and {@code RoomId}), to that one only. Any
 * other body is no roster trigger and is read as a request.
 */
public sealed interface RosterTrigger {

    /**
     * The rosters to apply, each the current object of its key.
     *
     * @param only the one target to reconcile, when the trigger names one: the roster's other targets are left alone
     */
    record Apply(List<RosterObject> rosters, Optional<Target> only) implements RosterTrigger {
        public Apply {
            rosters = List.copyOf(rosters);
            Objects.requireNonNull(only, "only");
        }

        /** The rosters, applied to every target they name. */
        public Apply(List<RosterObject> rosters) {
            this(rosters, Optional.empty());
        }
    }

    /** S3's {@code s3:TestEvent}: settled, with no letter. */
    record TestEvent() implements RosterTrigger {
    }

    /** A roster trigger that cannot be carried out: a BadRequest letter says why. */
    record Invalid(String reason) implements RosterTrigger {
    }

    /** An object holding a roster; {@code key} as S3 stores it (decoded from the event's URL-encoded form). */
    record RosterObject(String bucket, String key) {
        public RosterObject {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(key, "key");
        }

        public String uri() {
            return "s3://" + bucket + "/" + key;
        }
    }

    /** The trigger a body holds, when it holds one. */
    public static Optional<RosterTrigger> of(String body) {
        // Every trigger names one of these; a request's body seldom does, and is then not parsed twice.
        if (body == null || !(body.contains("Roster") || body.contains("aws:s3") || body.contains("s3:TestEvent"))) {
            return Optional.empty();
        }
        Object json = JsonTree.parse(body);
        if (!(json instanceof Map<?, ?> fields)) {
            return Optional.empty();
        }
        if ("s3:TestEvent".equals(fields.get("Event"))) {
            return Optional.of(new TestEvent());
        }
        if (fields.containsKey("Roster") && namesMembers(fields)) {
            // A request from a roster (dispatched, or a letter redriven): its Roster only names where it came from.
            return Optional.empty();
        }
        if (fields.containsKey("Roster")) {
            if (!(fields.get("Roster") instanceof String uri)) {
                return Optional.of(new Invalid("Roster must be a string s3://<bucket>/<key>"));
            }
            RosterTrigger trigger = fromUri(uri);
            if (!(trigger instanceof Apply apply) || !namesTargetIds(fields)) {
                return Optional.of(trigger);
            }
            return Optional.of(onlyTarget(fields).<RosterTrigger>map(target -> new Apply(apply.rosters(),
                    Optional.of(target))).orElseGet(() -> new Invalid("a roster applied to one target names it with "
                    + "a ChannelArn, or an AccountId and a RoomId, each valid: " + quoted(String.valueOf(
                    fields.containsKey("ChannelArn") ? fields.get("ChannelArn") : fields.get("RoomId"))))));
        }
        if (fields.get("Records") instanceof List<?> records && records.stream().anyMatch(RosterTrigger::fromS3)) {
            return Optional.of(fromEvent(records));
        }
        return Optional.empty();
    }

    /**
     * The roster a request says it is part of: a request written from a roster (a dispatched one, or a letter
     * redriven) names it in {@code "Roster"} besides its target. Empty for any other body.
     */
    public static Optional<String> rosterOfRequest(String body) {
        if (body == null || !body.contains("Roster")) {
            return Optional.empty();
        }
        return JsonTree.parse(body) instanceof Map<?, ?> fields && fields.get("Roster") instanceof String uri
                && namesMembers(fields) ? Optional.of(uri) : Optional.empty();
    }

    /** Whether the body names members, as a request does. */
    private static boolean namesMembers(Map<?, ?> fields) {
        return Stream.of("MembershipItemList", "MemberId", "MemberArns", "MemberArn").anyMatch(fields::containsKey);
    }

    private static boolean namesTargetIds(Map<?, ?> fields) {
        return Stream.of("AccountId", "RoomId", "ChannelArn").anyMatch(fields::containsKey);
    }

    /** The one target the ids name: a channel by its ARN, or a room by its account and id. */
    private static Optional<Target> onlyTarget(Map<?, ?> fields) {
        if (fields.containsKey("ChannelArn")) {
            return fields.size() == 2 && fields.get("ChannelArn") instanceof String arn
                    ? ChannelKey.of(arn).map(Target.class::cast) : Optional.empty();
        }
        return fields.size() == 3 && fields.get("AccountId") instanceof String account
                && fields.get("RoomId") instanceof String room && RoomKey.isId(account) && RoomKey.isId(room)
                ? Optional.of(new RoomKey(account, room)) : Optional.empty();
    }

    private static boolean fromS3(Object record) {
        return record instanceof Map<?, ?> fields && "aws:s3".equals(fields.get("eventSource"));
    }

    private static RosterTrigger fromEvent(List<?> records) {
        List<RosterObject> rosters = new ArrayList<>();
        for (Object record : records) {
            Map<?, ?> fields = record instanceof Map<?, ?> map ? map : Map.of();
            Object eventName = fields.get("eventName");
            if (!"aws:s3".equals(fields.get("eventSource")) || !(eventName instanceof String name)
                    || !name.startsWith("ObjectCreated:")) {
                return new Invalid("an S3 event notification announces new rosters with ObjectCreated events only, "
                        + "not " + quoted(String.valueOf(eventName)));
            }
            Object bucket = at(fields, "s3", "bucket", "name");
            Object key = at(fields, "s3", "object", "key");
            if (!(bucket instanceof String b) || b.isEmpty() || !(key instanceof String k) || k.isEmpty()) {
                return new Invalid("an S3 event record names its bucket (s3.bucket.name) and object (s3.object.key)");
            }
            // S3 writes the key URL-encoded, a space as '+'.
            rosters.add(new RosterObject(b, URLDecoder.decode(k, StandardCharsets.UTF_8)));
        }
        return new Apply(rosters);
    }

    private static RosterTrigger fromUri(String uri) {
        if (!uri.startsWith("s3://")) {
            return new Invalid("Roster must be s3://<bucket>/<key>, not " + quoted(uri));
        }
        String path = uri.substring("s3://".length());
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            return new Invalid("Roster must be s3://<bucket>/<key>, not " + quoted(uri));
        }
        return new Apply(List.of(new RosterObject(path.substring(0, slash), path.substring(slash + 1))));
    }

    private static Object at(Map<?, ?> fields, String... path) {
        Object value = fields;
        for (String name : path) {
            value = value instanceof Map<?, ?> map ? map.get(name) : null;
        }
        return value;
    }
}
