package roommembership.pipeline.read;

import roommembership.model.Action;
import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.target.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An SQS message body read as a membership request, or the reason it cannot be one; a roster trigger read as the
 * requests that make its targets hold the roster.
 */
public sealed interface ParsedMessage {

    /** The requests the message carries: one for a request, a roster's for a roster, none for the others. */
    List<Request> requests();

    /**
     * A request for one target: the members to send and the items rejected on their own.
     *
     * @param routedFrom for a legacy request sent to a channel instead: the room and member ids the producer wrote
     * @param action whether its members are to be added or removed
     * @param roster the roster the request is part of, {@code s3://<bucket>/<key>}: its letters name it
     */
    record Request(Target target, List<Membership> members, List<RejectedItem> rejected,
                   Optional<Routed> routedFrom, Action action, Optional<String> roster) implements ParsedMessage {
        public Request {
            Objects.requireNonNull(target, "target");
            members = List.copyOf(members);
            rejected = List.copyOf(rejected);
            Objects.requireNonNull(routedFrom, "routedFrom");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(roster, "roster");
        }

        /** A request that is no roster's. */
        public Request(Target target, List<Membership> members, List<RejectedItem> rejected,
                       Optional<Routed> routedFrom, Action action) {
            this(target, members, rejected, routedFrom, action, Optional.empty());
        }

        /** An add request. */
        public Request(Target target, List<Membership> members, List<RejectedItem> rejected) {
            this(target, members, rejected, Optional.empty(), Action.ADD);
        }

        /** An add request, routed or not. */
        public Request(Target target, List<Membership> members, List<RejectedItem> rejected,
                       Optional<Routed> routedFrom) {
            this(target, members, rejected, routedFrom, Action.ADD);
        }

        public Request(Target target, List<Membership> members, List<RejectedItem> rejected,
                       Action action) {
            this(target, members, rejected, Optional.empty(), action);
        }

        /**
         * The same request with no member left to send: every one, and every item already rejected, refused so. A
         * member keeps its id as this request holds it, so a routed member's letter can name its legacy MemberId and
         * its MemberArn both.
         */
        public Request refused(String errorCode, String reason) {
            List<RejectedItem> refused = new ArrayList<>();
            for (Membership member : members) {
                refused.add(new RejectedItem(member.memberId(), member.namedRole(),
                        typeOf(member), errorCode, reason));
            }
            for (RejectedItem item : rejected) {
                refused.add(new RejectedItem(item.memberId(), item.role(), item.type(), errorCode, reason));
            }
            return new Request(target, List.of(), refused, routedFrom, action, roster);
        }

        /**
         * The same request with every member whose id its target cannot put in a path refused as a BadRequest item,
         * with the reason; the same request when every id can go there.
         */
        public Request withPathSafeMembers() {
            List<Membership> kept = new ArrayList<>(members.size());
            List<RejectedItem> refused = new ArrayList<>(rejected);
            for (Membership member : members) {
                Optional<String> problem = target.pathSegmentProblem(member.memberId());
                if (problem.isPresent()) {
                    refused.add(new RejectedItem(member.memberId(), member.namedRole(), typeOf(member),
                            ErrorCodes.BAD_REQUEST, problem.get()));
                } else {
                    kept.add(member);
                }
            }
            return kept.size() == members.size() ? this
                    : new Request(target, kept, refused, routedFrom, action, roster);
        }

        /** The same request as part of a roster. */
        public Request inRoster(String uri) {
            return new Request(target, members, rejected, routedFrom, action, Optional.of(uri));
        }

        @Override
        public List<Request> requests() {
            return List.of(this);
        }

        /** The member id as the producer wrote it: a routed member's legacy MemberId, else the id itself. */
        public String producersMemberId(String memberId) {
            return routedFrom.map(routed -> routed.legacyMemberId(memberId)).orElse(memberId);
        }

        private String typeOf(Membership member) {
            // Only a form that names its member at the top level names its Type; a routed request keeps its legacy form.
            return !target.membersAsItems() && routedFrom.isEmpty() ? member.type().wireName() : null;
        }
    }

    /**
     * Where a routed request came from.
     *
     * @param legacyMemberIds each member ARN of the request to the legacy MemberId it was translated from
     */
    record Routed(Target room, Map<String, String> legacyMemberIds) {
        public Routed {
            Objects.requireNonNull(room, "room");
            legacyMemberIds = Map.copyOf(legacyMemberIds);
        }

        /** The legacy MemberId this ARN was translated from; the ARN itself if none was. */
        public String legacyMemberId(String memberArn) {
            return legacyMemberIds.getOrDefault(memberArn, memberArn);
        }
    }

    /**
     * A roster to apply, read as the requests that make each target it names hold exactly its members: adds, role
     * changes and removals, and the removals the deletion brake holds as rejected items.
     */
    record Roster(List<Request> requests) implements ParsedMessage {
        public Roster {
            requests = List.copyOf(requests);
        }
    }

    /**
     * A roster to apply, handed on target by target, each to be reconciled by the invocation that takes the target's
     * requests (a deployment with a target queue): the roster was read whole, and every line is a valid request.
     */
    record RosterFanOut(List<RosterTarget> targets) implements ParsedMessage {
        public RosterFanOut {
            targets = List.copyOf(targets);
        }

        @Override
        public List<Request> requests() {
            return List.of();
        }
    }

    /** One target of a roster, to be reconciled with it. */
    record RosterTarget(String roster, Target target) {
        public RosterTarget {
            Objects.requireNonNull(roster, "roster");
            Objects.requireNonNull(target, "target");
        }
    }

    /**
     * A body that is not a request at all, or a roster refused whole; the whole record is dead-lettered.
     *
     * @param errorCode BadRequest, or the roster store's own code for a roster it refused
     * @param roster the roster refused, {@code s3://<bucket>/<key>}
     */
    record Invalid(String reason, String errorCode, Optional<String> roster) implements ParsedMessage {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(errorCode, "errorCode");
            Objects.requireNonNull(roster, "roster");
        }

        public Invalid(String reason) {
            this(reason, ErrorCodes.BAD_REQUEST, Optional.empty());
        }

        @Override
        public List<Request> requests() {
            return List.of();
        }
    }

    /**
     * A roster that could not be read this time (its store or a target did not answer, or no time was left): the
     * record goes back to SQS, and planning it again on the next receive is safe.
     */
    record Unavailable(String errorCode, String message) implements ParsedMessage {
        @Override
        public List<Request> requests() {
            return List.of();
        }
    }
}
