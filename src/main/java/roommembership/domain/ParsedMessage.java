package roommembership.domain;

import java.util.List;

/** An SQS message body read as a membership request, or the reason it cannot be one. */
public sealed interface ParsedMessage {

    /** A request for one room: the members to send and the items rejected on their own. */
    record Request(RoomKey room, List<Membership> members, List<RejectedItem> rejected) implements ParsedMessage {
        public Request {
            members = List.copyOf(members);
            rejected = List.copyOf(rejected);
        }
    }

    /** A body that is not a request at all; the whole record is dead-lettered with BadRequest. */
    record Invalid(String reason) implements ParsedMessage {
    }
}
