package roommembership.pipeline.plan;

import roommembership.model.Membership;
import roommembership.target.Target;

import java.util.List;

/** The members of one add call: one target, at most its limit per call, all of one membership type. */
public record MemberChunk(Target target, List<Membership> members) {
    public MemberChunk {
        members = List.copyOf(members);
    }
}
