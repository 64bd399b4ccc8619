package roommembership.pipeline.plan;

import roommembership.model.Membership;
import roommembership.target.Conversation;

import java.util.List;

/** The members of one add call: one conversation, at most its limit per call, all of one membership type. */
public record MemberChunk(Conversation conversation, List<Membership> members) {
    public MemberChunk {
        members = List.copyOf(members);
    }
}
