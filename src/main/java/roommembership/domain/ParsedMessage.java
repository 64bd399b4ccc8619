package roommembership.domain;

import java.util.ArrayList;
import java.util.List;

/** An SQS message body read as a membership request, or the reason it cannot be one. */
public sealed interface ParsedMessage {

    /** A request for one conversation: the members to send and the items rejected on their own. */
    record Request(Conversation conversation, List<Membership> members, List<RejectedItem> rejected) implements ParsedMessage {
        public Request {
            members = List.copyOf(members);
            rejected = List.copyOf(rejected);
        }

        /** The same request with no member left to send: every one, and every item already rejected, refused so. */
        public Request refused(String errorCode, String reason) {
            List<RejectedItem> refused = new ArrayList<>();
            for (Membership member : members) {
                refused.add(new RejectedItem(member.memberId(), member.role().wireName(), errorCode, reason));
            }
            for (RejectedItem item : rejected) {
                refused.add(new RejectedItem(item.memberId(), item.role(), errorCode, reason));
            }
            return new Request(conversation, List.of(), refused);
        }
    }

    /** A body that is not a request at all; the whole record is dead-lettered with BadRequest. */
    record Invalid(String reason) implements ParsedMessage {
    }
}
