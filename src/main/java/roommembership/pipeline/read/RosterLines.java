package roommembership.pipeline.read;

import roommembership.model.Action;
import roommembership.model.Membership;
import roommembership.model.Role;
import roommembership.model.Text;
import roommembership.target.Target;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A roster read line by line: every line a request of the message contract (forms 1 to 4, routed and admitted as a
 * message is) that adds, with no {@code Action} or {@code "Action": "Add"}. Read whole or not at all: one line that is
 * not such a request (one bad member or role is enough: that member's wish is unknown) refuses the roster, so that a
 * half-read roster never removes the people on its unread lines. Lines are parsed one at a time; only each target's
 * members are kept.
 */
public final class RosterLines {
    /** The bad lines a refusal quotes; the others are counted. */
    public static final int QUOTED_BAD_LINES = 5;

    /** What a roster names: each target with its members, a member without a Role being a Member there. */
    public sealed interface Read {
    }

    /**
     * @param targets each target's members by id, targets and members in roster order, the later line winning
     * @param routes for a channel named by legacy lines routed to it: the room and the MemberIds they wrote, so that
     *               a letter keeps the line's form
     */
    public record Complete(Map<Target, Map<String, Membership>> targets, Map<Target, ParsedMessage.Routed> routes,
                           int lines) implements Read {
        public Complete {
            Objects.requireNonNull(targets, "targets");
            Objects.requireNonNull(routes, "routes");
        }

        /** The roster for one of its targets only: none, when it does not name it. */
        public Complete only(Target target) {
            Map<String, Membership> members = targets.get(target);
            ParsedMessage.Routed route = routes.get(target);
            return new Complete(members == null ? Map.of() : Map.of(target, members),
                    route == null ? Map.of() : Map.of(target, route), lines);
        }
    }

    /** @param firstBad the first bad lines, at most {@link #QUOTED_BAD_LINES} */
    public record Refused(List<BadLine> firstBad, int badLines, int lines) implements Read {
        public Refused {
            firstBad = List.copyOf(firstBad);
        }

        /** The refusal in words, for the letter: how many lines, and the first ones with their reasons. */
        public String reason() {
            StringBuilder reason = new StringBuilder(String.format(
                    "the roster was not applied: %d of its %d lines %s not a valid add request", badLines, lines,
                    badLines == 1 ? "is" : "are"));
            for (BadLine bad : firstBad) {
                reason.append("; line ").append(bad.number()).append(' ').append(bad.quoted()).append(": ")
                        .append(bad.reason());
            }
            return reason.toString();
        }
    }

    /** @param quoted the line as written, quoted and cut to its first characters */
    public record BadLine(long number, String quoted, String reason) {
    }

    private final Reading admission;

    public RosterLines(Reading admission) {
        this.admission = Objects.requireNonNull(admission, "admission");
    }

    /** Reads every line; a blank line is skipped. */
    public Read read(BufferedReader roster) {
        Map<Target, Map<String, Membership>> targets = new LinkedHashMap<>();
        Map<Target, ParsedMessage.Routed> routes = new LinkedHashMap<>();
        List<BadLine> firstBad = new ArrayList<>();
        int bad = 0;
        int number = 0;
        try {
            for (String line = roster.readLine(); line != null; line = roster.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String problem = add(admission.admitted(line), targets, routes);
                if (problem != null) {
                    bad++;
                    if (firstBad.size() < QUOTED_BAD_LINES) {
                        firstBad.add(new BadLine(number, Text.quoted(line), problem));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bad > 0 ? new Refused(firstBad, bad, number) : new Complete(targets, routes, number);
    }

    /** Takes a line's members into its target's; what is wrong with the line, or null. */
    private static String add(ParsedMessage message, Map<Target, Map<String, Membership>> targets,
                              Map<Target, ParsedMessage.Routed> routes) {
        if (message instanceof ParsedMessage.Invalid invalid) {
            return invalid.reason();
        }
        ParsedMessage.Request request = (ParsedMessage.Request) message;
        if (request.action() != Action.ADD) {
            return "a roster names who is to be there: its lines add, with no Action or \"Action\": \"Add\"";
        }
        if (!request.rejected().isEmpty()) {
            RejectedItem first = request.rejected().get(0);
            return first.errorCode() + ": " + first.reason();
        }
        Map<String, Membership> members = targets.computeIfAbsent(request.target(), target -> new LinkedHashMap<>());
        request.routedFrom().ifPresent(routed -> routes.merge(request.target(), routed, (was, more) -> {
            Map<String, String> ids = new HashMap<>(was.legacyMemberIds());
            ids.putAll(more.legacyMemberIds());
            return new ParsedMessage.Routed(was.room(), ids);
        }));
        for (Membership member : request.members()) {
            // In a roster the role is the whole truth: a member named without one is a plain Member.
            Membership named = member.roleNamed() ? member : new Membership(member.memberId(), Role.MEMBER,
                    member.type());
            members.remove(named.memberId());
            members.put(named.memberId(), named);
        }
        return null;
    }
}
