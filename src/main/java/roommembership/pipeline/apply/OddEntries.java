package roommembership.pipeline.apply;

import roommembership.target.Target;

import java.util.Objects;

/**
 * Entries of one Chime answer that named no member the function could take them for: an add's {@code Errors}
 * entries naming no member of the call, or a listing's entries without a member. Never matched by guessing, they are
 * shown in the log.
 *
 * @param answer what was answered: {@code add}, or the read ({@code members}, {@code administrators})
 * @param entries how many of the answer's entries named no member
 * @param membersLeftUnknown the call's members whose outcome the answer left unknown because of them (0 for a read)
 */
public record OddEntries(Target target, String answer, int entries, int membersLeftUnknown) {
    public OddEntries {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(answer, "answer");
    }
}
