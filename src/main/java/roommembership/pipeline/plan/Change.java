package roommembership.pipeline.plan;

import roommembership.model.MemberOutcome;
import roommembership.model.Membership;
import roommembership.target.Target;

import java.util.List;
import java.util.Objects;

/** One call a batch needs, as a value: the apply stage makes it; nothing here knows how. */
public sealed interface Change {

    Target target();

    /** The members the call carries: up to the target's limit for an add, one for the others. */
    List<Membership> members();

    /** The outcome of a member the call answered without an error. */
    MemberOutcome done();

    /** Adds members to a target: at most its limit per call, all of one membership type. */
    record Add(Target target, List<Membership> members) implements Change {
        public Add {
            Objects.requireNonNull(target, "target");
            members = List.copyOf(members);
        }

        @Override
        public MemberOutcome done() {
            return new MemberOutcome.Added();
        }
    }

    /** Removes one member: neither API removes in batches. */
    record Remove(Target target, Membership member) implements Change {
        public Remove {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(member, "member");
        }

        @Override
        public List<Membership> members() {
            return List.of(member);
        }

        @Override
        public MemberOutcome done() {
            return new MemberOutcome.Removed();
        }
    }

    /**
     * Gives one member the role it carries ({@link Membership#role}).
     *
     * @param done what the member's request comes to once the role is set: added, its role changed, or removed
     */
    record SetRole(Target target, Membership member, MemberOutcome done) implements Change {
        public SetRole {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(done, "done");
        }

        @Override
        public List<Membership> members() {
            return List.of(member);
        }
    }
}
