package roommembership.pipeline.read;

import roommembership.model.ErrorCodes;
import roommembership.model.Role;
import roommembership.target.ChannelKey;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Whether a deployment may act on a channel: an identity to call as, and an AppInstance it manages. */
class ChannelAccessTest {
    private static final String HR = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
    private static final String FINANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/finance";
    private static final String BEARER = HR + "/bot/hr-sync";
    private static final String NO_BEARER = "CHIME_BEARER_ARN is not set: channel requests need the AppInstanceUser "
            + "or AppInstanceBot the function calls as; set it, then redrive these letters";

    @Test
    void withoutABearerEveryMemberOfAChannelRequestIsForbiddenAndNamesTheSetting() {
        ParsedMessage request = MessageParser.parse("{\"ChannelArn\":\"" + HR + "/channel/sales\",\"MemberArns\":[\""
                + HR + "/user/alice\",\"" + HR + "/bot/helper\",\"" + FINANCE + "/user/eve\"],\"Type\":\"HIDDEN\","
                + "\"Role\":\"Administrator\"}");

        ParsedMessage admitted = ChannelAccess.none().admit(request);

        assertThat(admitted).isEqualTo(new ParsedMessage.Request(ChannelKey.of(HR + "/channel/sales").orElseThrow(),
                List.of(), List.of(
                new RejectedItem(HR + "/user/alice", "Administrator", "HIDDEN", ErrorCodes.FORBIDDEN, NO_BEARER),
                new RejectedItem(HR + "/bot/helper", "Administrator", "HIDDEN", ErrorCodes.FORBIDDEN, NO_BEARER),
                new RejectedItem(FINANCE + "/user/eve", "Administrator", "HIDDEN", ErrorCodes.FORBIDDEN, NO_BEARER))));
    }

    @Test
    void aChannelOfAnAppInstanceOutsideTheAllowlistIsForbidden() {
        ChannelAccess hrOnly = new ChannelAccess(Optional.of(BEARER), Set.of(HR));
        ParsedMessage request = MessageParser.parse("{\"ChannelArn\":\"" + FINANCE + "/channel/payroll\","
                + "\"MemberArn\":\"" + FINANCE + "/user/eve\"}");

        ParsedMessage admitted = hrOnly.admit(request);

        assertThat(admitted).isEqualTo(new ParsedMessage.Request(
                ChannelKey.of(FINANCE + "/channel/payroll").orElseThrow(), List.of(), List.of(new RejectedItem(
                FINANCE + "/user/eve", null, "DEFAULT", ErrorCodes.FORBIDDEN, "AppInstance " + FINANCE
                + " is not in ALLOWED_APP_INSTANCE_ARNS: this deployment does not manage it"))));
    }

    @Test
    void aChannelOfAnAllowedAppInstanceOrOfAnyWhenNoListIsSetGoesOnUnchanged() {
        ParsedMessage request = MessageParser.parse("{\"ChannelArn\":\"" + HR + "/channel/sales\","
                + "\"MemberArn\":\"" + HR + "/user/alice\"}");

        assertThat(List.of(new ChannelAccess(Optional.of(BEARER), Set.of(FINANCE, HR)).admit(request),
                new ChannelAccess(Optional.of(BEARER), Set.of()).admit(request)))
                .containsOnly(request);
    }

    @Test
    void aRefusedChannelRequestRefusesItsRejectedItemsToo() {
        ParsedMessage request = MessageParser.parse("{\"ChannelArn\":\"" + HR + "/channel/sales\","
                + "\"MemberArn\":\"" + FINANCE + "/user/eve\"}");

        ParsedMessage admitted = ChannelAccess.none().admit(request);

        assertThat(((ParsedMessage.Request) admitted).rejected()).extracting(RejectedItem::errorCode)
                .containsExactly(ErrorCodes.FORBIDDEN);
    }

    @Test
    void aChannelOfAnotherAppInstanceThanTheBearersIsForbiddenWithoutACallEvenWithNoAllowlist() {
        ParsedMessage request = MessageParser.parse("{\"ChannelArn\":\"" + FINANCE + "/channel/payroll\","
                + "\"MemberArn\":\"" + FINANCE + "/user/eve\"}");

        ParsedMessage admitted = new ChannelAccess(Optional.of(BEARER), Set.of()).admit(request);

        assertThat(admitted).isEqualTo(new ParsedMessage.Request(
                ChannelKey.of(FINANCE + "/channel/payroll").orElseThrow(), List.of(), List.of(new RejectedItem(
                FINANCE + "/user/eve", null, "DEFAULT", ErrorCodes.FORBIDDEN, "AppInstance " + FINANCE
                + " is not the AppInstance of CHIME_BEARER_ARN (" + HR + "): the function can act only in that one"))));
    }

    @Test
    void roomsAndUnreadableMessagesAreUntouchedEvenWithoutABearer() {
        ParsedMessage room = MessageParser.parse("{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MemberId\":\"u1\"}");
        ParsedMessage invalid = MessageParser.parse("{\"ChannelArn\":\"arn:aws:sqs:us-east-1:111122223333:q\","
                + "\"MemberArn\":\"" + HR + "/user/alice\"}");
        ChannelAccess strict = new ChannelAccess(Optional.empty(), Set.of(FINANCE));

        assertThat(List.of(strict.admit(room), strict.admit(invalid))).containsExactly(room, invalid);
    }
}
