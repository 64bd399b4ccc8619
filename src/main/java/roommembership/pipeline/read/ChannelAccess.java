package roommembership.pipeline.read;

import roommembership.model.ErrorCodes;
import roommembership.target.ChimeArns;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Whether this deployment may act on a channel at all: it needs an identity to call as, and the channel's AppInstance
 * must be one it manages, so that a producer on the queue cannot reach any other.
 *
 * @param bearer the AppInstanceUser or AppInstanceBot the function calls as ({@code CHIME_BEARER_ARN}); empty: none
 * @param appInstanceArns the AppInstances requests may name; empty permits every one
 */
public record ChannelAccess(Optional<String> bearer, Set<String> appInstanceArns) {
    public ChannelAccess {
        Objects.requireNonNull(bearer, "bearer");
        appInstanceArns = Set.copyOf(appInstanceArns);
    }

    public static ChannelAccess none() {
        return new ChannelAccess(Optional.empty(), Set.of());
    }

    /** The message as it may go on: a channel request this deployment may not carry out keeps no member. */
    public ParsedMessage admit(ParsedMessage message) {
        if (!(message instanceof ParsedMessage.Request request) || request.target().appInstance().isEmpty()) {
            return message;
        }
        String appInstance = request.target().appInstance().get();
        if (bearer.isEmpty()) {
            return request.refused(ErrorCodes.FORBIDDEN, "CHIME_BEARER_ARN is not set: channel requests need the "
                    + "AppInstanceUser or AppInstanceBot the function calls as; set it, then redrive these letters");
        }
        if (!appInstanceArns.isEmpty() && !appInstanceArns.contains(appInstance)) {
            return request.refused(ErrorCodes.FORBIDDEN, "AppInstance " + appInstance
                    + " is not in ALLOWED_APP_INSTANCE_ARNS: this deployment does not manage it");
        }
        // A bearer acts only in its own AppInstance: any other channel would be refused by the service, after a call.
        String bearersAppInstance = ChimeArns.appInstanceOf(bearer.get());
        if (!bearersAppInstance.equals(appInstance)) {
            return request.refused(ErrorCodes.FORBIDDEN, "AppInstance " + appInstance
                    + " is not the AppInstance of CHIME_BEARER_ARN (" + bearersAppInstance
                    + "): the function can act only in that one");
        }
        return message;
    }
}
