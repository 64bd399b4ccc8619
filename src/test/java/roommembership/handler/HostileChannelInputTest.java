package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.target.ChannelKey;
import roommembership.target.ChimeArns;
import roommembership.emulator.ChannelsApi.ChannelCall;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.SchemaAgreement;
import roommembership.testing.SqsEvents;
import roommembership.testing.TestContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static roommembership.emulator.ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.APP_INSTANCE;
import static roommembership.testing.Directory.BEARER;
import static roommembership.testing.Directory.BOT;
import static roommembership.testing.Directory.GENERAL;
import static roommembership.testing.Directory.SALES;
import static roommembership.testing.Directory.channel;
import static roommembership.testing.Directory.routedToChannels;
import static roommembership.testing.Directory.user;
import static roommembership.testing.SqsEvents.members;

/**
 * What a producer can put in a channel request, and what it cannot do with it: every hostile value ends as a clear
 * BadRequest letter (or, where the ARN is legal, a correct call), the valid member beside it is still added, no call
 * carries the hostile value, and nothing reaches another AppInstance. Through the real SDK clients against the
 * Chime emulator and ElasticMQ, as {@link HostileInputTest} does for rooms.
 */
class HostileChannelInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** SQS's limit for one message, body and attributes together. */
    private static final int SQS_MESSAGE_LIMIT = 262_144;
    private static final String VALID_MEMBER = user("eng-020");
    private static final String VALID = form4(GENERAL, VALID_MEMBER);
    /** A second AppInstance of the same account, with a user and a channel of the same names as the sample's. */
    private static final String OTHER_APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0002";
    private static final String OTHER_CHANNEL = OTHER_APP_INSTANCE + "/channel/general";
    private static final String OTHER_USER = OTHER_APP_INSTANCE + "/user/eng-021";
    private static final String CHIME_BEARER_REFUSED = "ChimeBearer is not a request field: the function calls "
            + "Chime only as the AppInstanceUser or AppInstanceBot its CHIME_BEARER_ARN names";
    private static final String SUB_CHANNEL_REFUSED = "SubChannelId is not a request field: the function manages "
            + "whole channels, not the sub-channels of elastic channels";

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRoomsAndChannels();

    @BeforeEach
    void anotherAppInstanceWithAUserAndAChannelOfTheSameNames() {
        function.channels().user(OTHER_USER).channel(OTHER_CHANNEL);
    }

    // ------------------------------------------------------------------ the body

    @Test
    void aValidChannelRequestPaddedToTheSqsLimitIsAdded() {
        String start = "{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArn\":\"" + user("eng-021") + "\",\"Padding\":\"";
        String body = start + "p".repeat(SQS_MESSAGE_LIMIT - start.length() - 2) + "\"}";
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(SQS_MESSAGE_LIMIT);

        List<Letter> letters = handledBesideAValidMember(SqsEvents.batch().record(body));

        assertThat(letters).isEmpty();
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(user("eng-021"), VALID_MEMBER));
    }

    @Test
    void jsonNestedTenThousandDeepIsOneBadRequestLetter() {
        SqsEvents batch = SqsEvents.batch().record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArns\":"
                + "[".repeat(10_000) + "]".repeat(10_000) + "}");

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage)
                .containsExactly(tuple("BadRequest", batch.idOf(0), "body is not valid JSON: Document nesting depth "
                        + "(65) exceeds the maximum allowed (64, from `StreamReadConstraints.getMaxNestingDepth()`)"));
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(VALID_MEMBER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"eng-\\ud800", "eng-\ud800", "eng-\\udc00021"})
    void aLoneSurrogateInAMemberArnIsRejectedForThatMemberAndTheOthersGoOn(String idInBody) {
        String arnInBody = APP_INSTANCE + "/user/" + idInBody;
        SqsEvents batch = SqsEvents.batch().record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArns\":[\""
                + arnInBody + "\",\"" + user("eng-021") + "\"]}");
        String arn = APP_INSTANCE + "/user/" + idInBody.replace("\\ud800", "\ud800").replace("\\udc00", "\udc00");

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(HostileChannelInputTest::memberArn, Letter::errorCode, Letter::sourceMessageId,
                        Letter::errorMessage)
                .containsExactly(tuple(arn, "BadRequest", batch.idOf(0), notAMemberArn(arn)));
        // Escaped in the letter: SQS refuses a lone surrogate in a body.
        assertThat(letters.get(0).rawBody()).contains("\"MemberArn\":\"" + APP_INSTANCE + "/user/eng-\\uD");
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(user("eng-021"), VALID_MEMBER));
        assertNoCallCarried(arn);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"ChannelArn\":\"" + "arn:aws:chime:us-east-1:111122223333:app-instance/"
            + "acme-hr-0001/channel/general\"}]", "42", "null", "\"" + "arn:aws:chime:us-east-1:111122223333:"
            + "app-instance/acme-hr-0001/user/eng-021\""})
    void aBodyThatIsNotAJsonObjectIsOneBadRequestLetterWithTheBodyAsItCame(String body) {
        SqsEvents batch = SqsEvents.batch().record(body);

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage,
                        letter -> letter.body().path("Body").asText())
                .containsExactly(tuple("BadRequest", batch.idOf(0), "body is not a JSON object", body));
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(VALID_MEMBER));
    }

    @Test
    void valuesOfTheWrongJsonTypeAreRejectedForTheMessageOrTheMemberTheyAreIn() {
        SqsEvents batch = SqsEvents.batch()
                .record("{\"ChannelArn\":42,\"MemberArn\":\"" + user("eng-021") + "\"}")
                .record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArns\":\"" + user("eng-021") + "\"}")
                .record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArns\":[42,null,{\"Arn\":\"" + user("eng-022")
                        + "\"},[\"" + user("eng-023") + "\"],\"" + user("eng-021") + "\"]}")
                .record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArn\":true}")
                .record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArn\":\"" + user("eng-022") + "\",\"Type\":1}")
                .record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArn\":\"" + user("eng-023")
                        + "\",\"Role\":[\"Administrator\"]}")
                .record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArn\":\"" + user("eng-024")
                        + "\",\"Type\":\"hidden\"}");

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::sourceMessageId, Letter::errorCode, HostileChannelInputTest::memberArn,
                        Letter::errorMessage)
                .containsExactlyInAnyOrder(
                        tuple(batch.idOf(0), "BadRequest", null, "ChannelArn must be a string"),
                        tuple(batch.idOf(1), "BadRequest", null, "MemberArns must be an array"),
                        tuple(batch.idOf(2), "BadRequest", null, "MemberArns item 1 is not a string"),
                        tuple(batch.idOf(2), "BadRequest", null, "MemberArns item 2 is not a string"),
                        tuple(batch.idOf(2), "BadRequest", null, "MemberArns item 3 is not a string"),
                        tuple(batch.idOf(2), "BadRequest", null, "MemberArns item 4 is not a string"),
                        tuple(batch.idOf(3), "BadRequest", null, "MemberArn must be a string"),
                        tuple(batch.idOf(4), "BadRequest", user("eng-022"), "Type must be DEFAULT or HIDDEN, not '1'"),
                        tuple(batch.idOf(5), "BadRequest", user("eng-023"),
                                "Role must be Administrator or Member, not '[...]'"),
                        tuple(batch.idOf(6), "BadRequest", user("eng-024"),
                                "Type must be DEFAULT or HIDDEN, not 'hidden'"));
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(user("eng-021"), VALID_MEMBER));
    }

    @Test
    void duplicateKeysAreOneBadRequestLetterSoASecondArnCanNeverRedirectARequest() {
        SqsEvents batch = SqsEvents.batch()
                .record("{\"ChannelArn\":\"" + GENERAL + "\",\"ChannelArn\":\"" + OTHER_CHANNEL + "\",\"MemberArn\":\""
                        + OTHER_USER + "\"}")
                .record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArn\":\"" + user("eng-021") + "\",\"MemberArn\":\""
                        + OTHER_USER + "\"}")
                .record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArns\":[\"" + user("eng-021") + "\"],"
                        + "\"MemberArns\":[\"" + OTHER_USER + "\"]}")
                .record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArn\":\"" + user("eng-021") + "\",\"Type\":"
                        + "\"DEFAULT\",\"Type\":\"HIDDEN\"}");

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::sourceMessageId, Letter::errorCode, Letter::errorMessage)
                .containsExactlyInAnyOrder(
                        tuple(batch.idOf(0), "BadRequest", "body is not valid JSON: Duplicate field 'ChannelArn'"),
                        tuple(batch.idOf(1), "BadRequest", "body is not valid JSON: Duplicate field 'MemberArn'"),
                        tuple(batch.idOf(2), "BadRequest", "body is not valid JSON: Duplicate field 'MemberArns'"),
                        tuple(batch.idOf(3), "BadRequest", "body is not valid JSON: Duplicate field 'Type'"));
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(VALID_MEMBER));
        assertNoCallCarried(OTHER_CHANNEL);
        assertNoCallCarried(OTHER_USER);
    }

    @Test
    void moreThanAThousandMembersAreOneBadRequestLetterHoweverTheyAreGiven() {
        List<String> thousandAndOne = SqsEvents.ids("new", 1, 1_001).stream().map(id -> user(id)).toList();
        List<String> thousand = thousandAndOne.subList(0, 1_000);
        // As many as a message can hold: reading stops at the first item past the limit.
        List<String> aMessageFull = SqsEvents.ids("n", 1, 3_000).stream().map(id -> user(id)).toList();
        SqsEvents batch = SqsEvents.batch()
                .record(form3(GENERAL, thousandAndOne))
                .record(json(Map.of("ChannelArn", GENERAL, "MemberArns", thousand, "MemberArn", user("eng-021"))))
                .record(form3(GENERAL, aMessageFull));

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::sourceMessageId, Letter::errorCode, Letter::errorMessage)
                .containsExactlyInAnyOrder(
                        tuple(batch.idOf(0), "BadRequest", "too many members: 1001 items, at most 1000 per message"),
                        tuple(batch.idOf(1), "BadRequest", "too many members: 1001 items, at most 1000 per message"),
                        tuple(batch.idOf(2), "BadRequest", "too many members: more than 1000 items per message"));
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(VALID_MEMBER));
    }

    @Test
    void aMemberArnOfTwoHundredKibibytesIsRejectedAndCutInItsLetterSoTheLetterFits() {
        // 200 KiB in UTF-8: a body SQS accepts, but six times that once the letter escapes it.
        String arn = APP_INSTANCE + "/user/" + "\u00e9".repeat(100 * 1024);
        int length = arn.length();
        SqsEvents batch = SqsEvents.batch().record(form3(GENERAL, List.of(arn, user("eng-021"))));

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage)
                    .containsExactly("BadRequest", batch.idOf(0),
                            "MemberArn has " + length + " characters, more than 1600");
            assertThat(memberArn(letter)).startsWith(APP_INSTANCE + "/user/\u00e9\u00e9")
                    .endsWith("...[truncated: the original MemberArn had " + length + " characters]");
        });
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(user("eng-021"), VALID_MEMBER));
        assertNoCallCarried(arn);
    }

    // ------------------------------------------------------------------ SNS envelopes

    @Test
    void anSnsEnvelopeWhoseMessageIsNotJsonIsOneBadRequestLetter() {
        String body = json(Map.of("Type", "Notification", "MessageId", "5a3e5bb1-0d5c-4f1e-9a7e-0c1f6b2d3e4f",
                "Message", "add eng-021 to general please"));
        SqsEvents batch = SqsEvents.batch().record(body);

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage,
                        letter -> letter.body().path("Body").asText())
                .containsExactly(tuple("BadRequest", batch.idOf(0), "SNS Message is not valid JSON: Unrecognized "
                        + "token 'add': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or "
                        + "'false')", body));
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(VALID_MEMBER));
    }

    @Test
    void anSnsEnvelopeIsJudgedByItsMessageAloneSoItsOwnFieldsCanRedirectNothing() {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("Type", "Notification");
        envelope.put("ChannelArn", OTHER_CHANNEL);
        envelope.put("MemberArn", OTHER_USER);
        envelope.put("Message", form3(GENERAL, List.of(OTHER_USER, user("eng-021"))));
        SqsEvents batch = SqsEvents.batch()
                .record(json(envelope))
                .record(json(Map.of("Type", "Notification", "Message",
                        json(Map.of("ChannelArn", GENERAL, "MemberArn", user("eng-022"), "ChimeBearer", OTHER_USER)))));

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::sourceMessageId, Letter::errorCode, HostileChannelInputTest::memberArn,
                        Letter::errorMessage)
                .containsExactlyInAnyOrder(
                        tuple(batch.idOf(0), "BadRequest", OTHER_USER, ofAnotherAppInstance(OTHER_USER,
                                OTHER_APP_INSTANCE)),
                        tuple(batch.idOf(1), "BadRequest", null, CHIME_BEARER_REFUSED));
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(user("eng-021"), VALID_MEMBER));
        assertNoCallCarried(OTHER_USER);
        assertNoCallCarried(OTHER_CHANNEL);
    }

    // ------------------------------------------------------------------ the caller's identity and sub-channels

    static Stream<Arguments> fieldsThatChooseWhatOnlyTheDeploymentMay() {
        String form4 = "{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArn\":\"" + user("eng-021") + "\",";
        String form3 = "{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArns\":[\"" + user("eng-021") + "\"],";
        return Stream.of(
                Arguments.of(form4 + "\"ChimeBearer\":\"" + OTHER_APP_INSTANCE + "/user/admin\"}", CHIME_BEARER_REFUSED),
                Arguments.of(form4 + "\"ChimeBearer\":\"" + BEARER + "\"}", CHIME_BEARER_REFUSED),
                Arguments.of(form3 + "\"ChimeBearer\":null}", CHIME_BEARER_REFUSED),
                Arguments.of(form3 + "\"ChimeBearer\":{\"Arn\":\"" + OTHER_USER + "\"}}", CHIME_BEARER_REFUSED),
                Arguments.of("{\"ChimeBearer\":\"" + OTHER_USER + "\"," + form3.substring(1) + "\"Type\":\"DEFAULT\"}",
                        CHIME_BEARER_REFUSED),
                Arguments.of("{\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + SALES + "\",\"MemberId\":\"sales-021\","
                        + "\"ChimeBearer\":\"" + OTHER_USER + "\"}", CHIME_BEARER_REFUSED),
                Arguments.of(form4 + "\"SubChannelId\":\"general-sub-1\"}", SUB_CHANNEL_REFUSED),
                Arguments.of(form3 + "\"SubChannelId\":7}", SUB_CHANNEL_REFUSED));
    }

    @ParameterizedTest
    @MethodSource("fieldsThatChooseWhatOnlyTheDeploymentMay")
    void aBodyThatChoosesTheCallerOrASubChannelIsOneBadRequestLetterWithoutACall(String body, String reason) {
        SqsEvents batch = SqsEvents.batch().record(body);

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage,
                        letter -> letter.body().path("Body").asText())
                .containsExactly(tuple("BadRequest", batch.idOf(0), reason, body));
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(VALID_MEMBER));
        assertNoCallCarried(OTHER_USER);
    }

    @Test
    void fieldsNamedLikeTheBearerHeaderAreNotRequestFieldsAndEveryCallIsMadeAsTheConfiguredBearer() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("ChannelArn", GENERAL);
        request.put("MemberArn", user("eng-021"));
        request.put("x-amz-chime-bearer", OTHER_USER);
        request.put("chimeBearer", OTHER_USER);
        request.put("Bearer", OTHER_USER);

        List<Letter> letters = handledBesideAValidMember(SqsEvents.batch().record(json(request)));

        assertThat(letters).isEmpty();
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(user("eng-021"), VALID_MEMBER));
        assertNoCallCarried(OTHER_USER);
    }

    // ------------------------------------------------------------------ member ARNs

    /** (label, member ARN, what the letter must say is wrong with it). */
    static Stream<Arguments> memberArnAttacks() {
        String eng021 = user("eng-021");
        String longArn = APP_INSTANCE + "/user/" + "a".repeat(1_600);
        String justTooLong = APP_INSTANCE + "/user/" + "a".repeat(1_601 - (APP_INSTANCE + "/user/").length());
        return Stream.of(
                // another service
                attack("an SQS queue", "arn:aws:sqs:us-east-1:111122223333:acme-hr-0001", Reason.SHAPE),
                attack("an SQS ARN with the user's path",
                        "arn:aws:sqs:us-east-1:111122223333:app-instance/acme-hr-0001/user/eng-021", Reason.SHAPE),
                attack("an IAM user", "arn:aws:iam::111122223333:user/eng-021", Reason.SHAPE),
                attack("an IAM role", "arn:aws:iam::111122223333:role/hr-sync", Reason.SHAPE),
                attack("a legacy Chime user", "arn:aws:chime::111122223333:user/eng-021", Reason.SHAPE),
                // another partition
                attack("the China partition",
                        "arn:aws-cn:chime:cn-north-1:111122223333:app-instance/acme-hr-0001/user/eng-021", Reason.SHAPE),
                attack("the GovCloud partition",
                        "arn:aws-us-gov:chime:us-gov-west-1:111122223333:app-instance/acme-hr-0001/user/eng-021",
                        Reason.SHAPE),
                // another account, region or AppInstance
                attack("another account", "arn:aws:chime:us-east-1:999988887777:app-instance/acme-hr-0001/user/eng-021",
                        Reason.otherAppInstance("arn:aws:chime:us-east-1:999988887777:app-instance/acme-hr-0001")),
                attack("another region",
                        "arn:aws:chime:eu-central-1:111122223333:app-instance/acme-hr-0001/user/eng-021",
                        Reason.otherAppInstance("arn:aws:chime:eu-central-1:111122223333:app-instance/acme-hr-0001")),
                attack("another AppInstance", OTHER_USER, Reason.otherAppInstance(OTHER_APP_INSTANCE)),
                attack("another AppInstance's bot", OTHER_APP_INSTANCE + "/bot/onboarding-assistant",
                        Reason.otherAppInstance(OTHER_APP_INSTANCE)),
                attack("the AppInstance in other case",
                        "arn:aws:chime:us-east-1:111122223333:app-instance/ACME-HR-0001/user/eng-021",
                        Reason.otherAppInstance("arn:aws:chime:us-east-1:111122223333:app-instance/ACME-HR-0001")),
                // dot segments
                attack("a dot segment", APP_INSTANCE + "/user/../user/eng-021", Reason.DOTS),
                attack("dots up to a channel", APP_INSTANCE + "/user/eng-021/../../channel/general", Reason.DOTS),
                attack("dots up to another AppInstance", APP_INSTANCE + "/user/eng-021/../../../acme-hr-0002/user/x",
                        Reason.DOTS),
                attack("dots inside an id", APP_INSTANCE + "/user/eng..021", Reason.DOTS),
                // percent-encoding
                attack("%2F", eng021 + "%2F..%2F..%2Fchannel%2Fgeneral", Reason.PERCENT),
                attack("%2f", eng021 + "%2f..%2f..%2fchannel%2fgeneral", Reason.PERCENT),
                attack("an encoded plain character", APP_INSTANCE + "/user/eng%2D021", Reason.PERCENT),
                attack("a lone %", eng021 + "%", Reason.PERCENT),
                attack("encoded colons", "arn%3Aaws%3Achime%3Aus-east-1%3A111122223333%3Aapp-instance/acme-hr-0001/user/"
                        + "eng-021", Reason.PERCENT),
                // slashes, queries and fragments
                attack("a trailing slash", eng021 + "/", Reason.SHAPE),
                attack("a double slash before the kind", APP_INSTANCE + "//user/eng-021", Reason.SHAPE),
                attack("a double slash before the id", APP_INSTANCE + "/user//eng-021", Reason.SHAPE),
                attack("a channel below the user", eng021 + "/channel/general", Reason.SHAPE),
                attack("a query", eng021 + "?operation=batch-create", Reason.SHAPE),
                attack("a fragment", eng021 + "#general", Reason.SHAPE),
                attack("a backslash", APP_INSTANCE + "/user\\eng-021", Reason.SHAPE),
                // control characters
                attack("NUL", eng021 + "\u0000", Reason.control(0x00)),
                attack("CR LF", eng021 + "\r\n", Reason.control(0x0D)),
                attack("a tab", APP_INSTANCE + "/user/eng-\t021", Reason.control(0x09)),
                attack("DEL", eng021 + "\u007f", Reason.control(0x7F)),
                attack("NEL", eng021 + "\u0085", Reason.control(0x85)),
                // spaces and look-alikes
                attack("a trailing space", eng021 + " ", Reason.SHAPE),
                attack("a leading space", " " + eng021, Reason.SHAPE),
                attack("a no-break space", eng021 + "\u00a0", Reason.SHAPE),
                attack("a Unicode hyphen", APP_INSTANCE + "/user/eng\u2010021", Reason.SHAPE),
                attack("fullwidth solidi", APP_INSTANCE + "\uff0fuser\uff0feng-021", Reason.SHAPE),
                attack("a right-to-left override", eng021 + "\u202e", Reason.SHAPE),
                attack("a zero-width space", APP_INSTANCE + "/user/eng-\u200b021", Reason.SHAPE),
                // length
                attack("an id of 65 characters", user("a".repeat(65)), Reason.SHAPE),
                attack("1,601 characters", justTooLong, Reason.length(1_601)),
                attack("over 1,600 characters", longArn, Reason.length(longArn.length())),
                // kind confusion
                attack("a channel", GENERAL, Reason.SHAPE),
                attack("another AppInstance's channel", OTHER_CHANNEL, Reason.SHAPE),
                attack("the AppInstance itself", APP_INSTANCE, Reason.SHAPE),
                attack("an AppInstance admin", APP_INSTANCE + "/app-instance-admin/hr-sync", Reason.SHAPE),
                attack("a capitalised kind", APP_INSTANCE + "/User/eng-021", Reason.SHAPE),
                attack("a plural kind", APP_INSTANCE + "/users/eng-021", Reason.SHAPE),
                attack("a user below a channel", GENERAL + "/user/eng-021", Reason.SHAPE),
                attack("a bot without an id", APP_INSTANCE + "/bot/", Reason.SHAPE),
                attack("blank", "  ", Reason.BLANK),
                attack("empty", "", Reason.BLANK));
    }

    /** Each attack in both places a member ARN can be: an item of MemberArns beside a valid one, and MemberArn. */
    static Stream<Arguments> memberArnAttacksInEitherField() {
        return memberArnAttacks().flatMap(attack -> Stream.of("MemberArns", "MemberArn").map(field -> {
            Object[] values = attack.get();
            return Arguments.of(field + ": " + values[0], field, values[1], values[2]);
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memberArnAttacksInEitherField")
    void aMemberArnThatIsNoUserOrBotOfTheChannelsAppInstanceIsABadRequestForThatMemberOnly(
            String label, String field, String arn, Reason reason) {
        boolean inList = field.equals("MemberArns");
        SqsEvents batch = SqsEvents.batch()
                .record(inList ? form3(GENERAL, List.of(arn, user("eng-021"))) : form4(GENERAL, arn));

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(HostileChannelInputTest::memberArn, Letter::errorCode, Letter::sourceMessageId,
                        Letter::errorMessage, letter -> letter.body().path("ChannelArn").asText())
                .containsExactly(tuple(arn, "BadRequest", batch.idOf(0), reason.says(arn), GENERAL));
        assertThat(memberListsOfTheCalls()).containsExactly(
                inList ? List.of(user("eng-021"), VALID_MEMBER) : List.of(VALID_MEMBER));
        // As a member: "a channel" is the ARN of the very channel the valid call addresses.
        assertNoCallNamedAsMember(arn);
    }

    @Test
    void aUserNamedAsABotAndABotNamedAsAUserAreArnsOfTheAppInstanceSoTheyAreSentAndNotFound() {
        String userAsBot = APP_INSTANCE + "/bot/eng-021";
        String botAsUser = APP_INSTANCE + "/user/onboarding-assistant";
        SqsEvents batch = SqsEvents.batch().record(form3(GENERAL, List.of(userAsBot, botAsUser, user("eng-021"))));

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(memberListsOfTheCalls()).containsExactly(List.of(userAsBot, botAsUser, user("eng-021"),
                VALID_MEMBER));
        assertThat(letters).extracting(HostileChannelInputTest::memberArn, Letter::errorCode, Letter::errorMessage)
                .containsExactlyInAnyOrder(
                        tuple(userAsBot, "NotFound", "The member " + userAsBot + " is not a user or bot of "
                                + APP_INSTANCE + "."),
                        tuple(botAsUser, "NotFound", "The member " + botAsUser + " is not a user or bot of "
                                + APP_INSTANCE + "."));
        assertThat(function.channels().members(GENERAL)).doesNotContainKeys(userAsBot, botAsUser).containsKey(BOT);
    }

    // ------------------------------------------------------------------ channel ARNs

    /** (label, channel ARN, what the letter must say is wrong with it). */
    static Stream<Arguments> channelArnAttacks() {
        String longArn = channel("c".repeat(1_600));
        return Stream.of(
                attack("an SQS queue", "arn:aws:sqs:us-east-1:111122223333:general", Reason.CHANNEL_SHAPE),
                attack("an SQS ARN with the channel's path",
                        "arn:aws:sqs:us-east-1:111122223333:app-instance/acme-hr-0001/channel/general",
                        Reason.CHANNEL_SHAPE),
                attack("an IAM role", "arn:aws:iam::111122223333:role/general", Reason.CHANNEL_SHAPE),
                attack("a legacy Chime room", "arn:aws:chime::111122223333:room/" + SALES, Reason.CHANNEL_SHAPE),
                attack("the China partition",
                        "arn:aws-cn:chime:cn-north-1:111122223333:app-instance/acme-hr-0001/channel/general",
                        Reason.CHANNEL_SHAPE),
                attack("a dot segment to another AppInstance",
                        APP_INSTANCE + "/channel/general/../../../acme-hr-0002/channel/general", Reason.dots("ChannelArn")),
                attack("%2F", GENERAL + "%2Fmemberships", Reason.percent("ChannelArn")),
                attack("%2f", channel("x%2f..%2f..%2fapp-instance%2facme-hr-0002%2fchannel%2fgeneral"),
                        Reason.percent("ChannelArn")),
                attack("a trailing slash", GENERAL + "/", Reason.CHANNEL_SHAPE),
                attack("a trailing space", GENERAL + " ", Reason.CHANNEL_SHAPE),
                attack("a path below the channel", GENERAL + "/memberships?operation=batch-create", Reason.CHANNEL_SHAPE),
                attack("a newline", GENERAL + "\n", Reason.control("ChannelArn", 0x0A)),
                attack("over 1,600 characters", longArn, Reason.length("ChannelArn", longArn.length())),
                attack("a user", user("eng-021"), Reason.CHANNEL_SHAPE),
                attack("a bot", BOT, Reason.CHANNEL_SHAPE),
                attack("the AppInstance itself", APP_INSTANCE, Reason.CHANNEL_SHAPE),
                attack("an AppInstance admin", APP_INSTANCE + "/app-instance-admin/hr-sync", Reason.CHANNEL_SHAPE),
                attack("blank", " ", Reason.blank("ChannelArn")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channelArnAttacks")
    void aChannelArnThatIsNoChannelIsOneBadRequestLetterAndNeverAPath(String label, String arn, Reason reason) {
        String body = json(Map.of("ChannelArn", arn, "MemberArns", List.of(user("eng-021"))));
        SqsEvents batch = SqsEvents.batch().record(body);

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage,
                        letter -> letter.body().path("Body").asText())
                .containsExactly(tuple("BadRequest", batch.idOf(0), reason.says(arn), body));
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(VALID_MEMBER));
        assertNoCallCarried(arn);
    }

    @Test
    void channelsOfAnotherAppInstanceAccountOrRegionAreForbiddenByTheAllowlistAndNeverReachThem() {
        function.redeployWith(Map.of("ALLOWED_APP_INSTANCE_ARNS", " " + APP_INSTANCE + " "));
        String otherAccount = "arn:aws:chime:us-east-1:999988887777:app-instance/acme-hr-0001";
        String otherRegion = "arn:aws:chime:eu-central-1:111122223333:app-instance/acme-hr-0001";
        SqsEvents batch = SqsEvents.batch()
                .record(form3(OTHER_CHANNEL, List.of(OTHER_USER, OTHER_APP_INSTANCE + "/user/eng-022")))
                .record(form4(otherAccount + "/channel/general", otherAccount + "/user/eng-021"))
                .record(form4(otherRegion + "/channel/general", otherRegion + "/user/eng-021"));

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::sourceMessageId, HostileChannelInputTest::memberArn, Letter::errorCode,
                        Letter::errorMessage)
                .containsExactlyInAnyOrder(
                        tuple(batch.idOf(0), OTHER_USER, "Forbidden", notAllowed(OTHER_APP_INSTANCE)),
                        tuple(batch.idOf(0), OTHER_APP_INSTANCE + "/user/eng-022", "Forbidden",
                                notAllowed(OTHER_APP_INSTANCE)),
                        tuple(batch.idOf(1), otherAccount + "/user/eng-021", "Forbidden", notAllowed(otherAccount)),
                        tuple(batch.idOf(2), otherRegion + "/user/eng-021", "Forbidden", notAllowed(otherRegion)));
        assertThat(memberListsOfTheCalls()).containsExactly(List.of(VALID_MEMBER));
    }

    // ------------------------------------------------------------------ legacy requests routed to channels

    static Stream<Arguments> memberIdsThatWouldBeAnotherPath() {
        return Stream.of(
                attack("dots up to a channel", "eng-021/../../channel/general", Reason.DOTS),
                attack("dots up to another AppInstance", "../../acme-hr-0002/user/eng-021", Reason.DOTS),
                attack("%2F", "eng-021%2F..%2F..%2Fchannel%2Fgeneral", Reason.PERCENT),
                attack("a bot below the user", "eng-021/bot/onboarding-assistant", Reason.SHAPE),
                attack("a trailing slash", "eng-021/", Reason.SHAPE),
                attack("a trailing space", "eng-021 ", Reason.SHAPE),
                attack("a query", "eng-021?operation=batch-create", Reason.SHAPE),
                attack("a placeholder", "{AccountId}", Reason.SHAPE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memberIdsThatWouldBeAnotherPath")
    void aRoutedMemberIdThatGivesNoUserArnIsABadRequestInTheLegacyFormAndTheOthersGoOn(
            String label, String memberId, Reason reason) {
        function.redeployWith(routedToChannels());
        SqsEvents batch = SqsEvents.batch().record(members(ACME, SALES, List.of(memberId, "sales-021")));
        String arn = APP_INSTANCE + "/user/" + memberId;

        List<Letter> letters = handledBesideAValidMember(batch);

        assertThat(letters).extracting(Letter::memberId, Letter::errorCode, Letter::sourceMessageId,
                        Letter::errorMessage, letter -> letter.body().path("RoomId").asText())
                .containsExactly(tuple(memberId, "BadRequest", batch.idOf(0), "the MemberId gives the MemberArn "
                        + quoted(arn) + " through MEMBER_ARN_TEMPLATE, which is not valid: " + reason.says(arn), SALES));
        // The routed members are asked as a plain Member, so the channel's moderators are read (a call of no member).
        assertThat(function.channels().calls()).extracting(ChannelCall::channelArn, ChannelCall::memberArns)
                .containsExactlyInAnyOrder(tuple(channel(SALES), List.of(user("sales-021"))),
                        tuple(channel(SALES), List.of()), tuple(GENERAL, List.of(VALID_MEMBER)));
        assertNoCallCarried(arn);
    }

    @Test
    void aChannelArnInALegacyBodyCannotRedirectItsRoutedRequest() {
        function.redeployWith(routedToChannels());
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("AccountId", ACME);
        request.put("RoomId", SALES);
        request.put("MemberId", "sales-021");
        request.put("ChannelArn", OTHER_CHANNEL);
        request.put("MemberArn", OTHER_USER);

        List<Letter> letters = handledBesideAValidMember(SqsEvents.batch().record(json(request)));

        assertThat(letters).isEmpty();
        assertThat(function.channels().calls()).extracting(ChannelCall::channelArn, ChannelCall::memberArns)
                .containsExactlyInAnyOrder(tuple(channel(SALES), List.of(user("sales-021"))),
                        tuple(GENERAL, List.of(VALID_MEMBER)));
        assertNoCallCarried(OTHER_CHANNEL);
        assertNoCallCarried(OTHER_USER);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Handles the batch with a valid channel member appended and checks what no hostile record may break: nothing is
     * handed back to SQS, the valid member is added, every call is made as the bearer within its AppInstance, no room
     * is called, the other AppInstance is untouched, and every letter fits one SQS message; and the published request
     * schema answers each body as the parser does (or as docs/message-contract.md lists).
     */
    private List<Letter> handledBesideAValidMember(SqsEvents batch) {
        SQSEvent event = batch.record(VALID).build();
        // The published request schema is held to the parser's answer on every body of this corpus.
        event.getRecords().forEach(record -> SchemaAgreement.assertAgrees(record.getBody()));
        SQSBatchResponse response = function.handle(event, TestContext.withMinutesLeft(1));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.channels().members(GENERAL)).containsKey(VALID_MEMBER);
        assertThat(function.chime().calls()).isEmpty();
        assertThat(function.channels().calls()).allSatisfy(call -> {
            assertThat(call.bearer()).isEqualTo(BEARER);
            assertThat(call.channelArn()).startsWith(APP_INSTANCE + "/channel/");
            assertThat(call.memberArns()).allSatisfy(arn -> assertThat(arn).startsWith(APP_INSTANCE + "/"));
        });
        assertThat(function.channels().members(OTHER_CHANNEL)).isEmpty();
        assertThat(function.channels().moderators(OTHER_CHANNEL)).isEmpty();
        List<Letter> letters = function.deadLetters().drain();
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.sqsBytes()).isLessThanOrEqualTo(SQS_MESSAGE_LIMIT);
            assertThat(letter.errorCodeAttribute()).isEqualTo(letter.errorCode());
        });
        return letters;
    }

    /** The members of each BatchCreateChannelMembership call to the general channel, in call order. */
    private static List<List<String>> memberListsOfTheCalls() {
        assertThat(function.channels().calls()).extracting(ChannelCall::operation, ChannelCall::channelArn)
                .containsOnly(tuple(BATCH_CREATE_CHANNEL_MEMBERSHIP, GENERAL));
        return function.channels().calls().stream().map(ChannelCall::memberArns).toList();
    }

    /** No call's channel, member, bearer or type is the value, however it was decoded from the request. */
    private static void assertNoCallCarried(String value) {
        List<String> carried = new ArrayList<>();
        for (ChannelCall call : function.channels().calls()) {
            carried.add(call.channelArn());
            carried.addAll(call.memberArns());
            carried.add(call.bearer());
            carried.add(call.type());
        }
        assertThat(carried).doesNotContain(value);
    }

    /** No call added the value as a member or moderator, nor was made as it. */
    private static void assertNoCallNamedAsMember(String value) {
        assertThat(function.channels().calls()).allSatisfy(call -> {
            assertThat(call.memberArns()).doesNotContain(value);
            assertThat(call.bearer()).isNotEqualTo(value);
        });
    }

    private static String memberArn(Letter letter) {
        return letter.body().path("MemberArn").asText(null);
    }

    private static Arguments attack(String label, String value, Reason reason) {
        return Arguments.of(label, value, reason);
    }

    /** What a letter says is wrong with an ARN, in the words of the function's rules. */
    interface Reason {
        Reason SHAPE = arn -> "MemberArn must be an AppInstanceUser or AppInstanceBot ARN, " + ChimeArns.MEMBER_RULE
                + ", not " + quoted(arn);
        Reason CHANNEL_SHAPE = arn -> "ChannelArn must be " + ChannelKey.ARN_RULE + ", not " + quoted(arn);
        Reason DOTS = dots("MemberArn");
        Reason PERCENT = percent("MemberArn");
        Reason BLANK = blank("MemberArn");

        String says(String arn);

        static Reason otherAppInstance(String appInstanceArn) {
            return arn -> ofAnotherAppInstance(arn, appInstanceArn);
        }

        static Reason dots(String field) {
            return arn -> field + " contains '..', which no Chime id has: " + quoted(arn);
        }

        static Reason percent(String field) {
            return arn -> field + " contains '%': an ARN is sent as it is, never percent-encoded, so no encoded '/' "
                    + "can change the path: " + quoted(arn);
        }

        static Reason control(int character) {
            return control("MemberArn", character);
        }

        static Reason control(String field, int character) {
            return arn -> String.format("%s contains the control character U+%04X", field, character);
        }

        static Reason length(int characters) {
            return length("MemberArn", characters);
        }

        static Reason length(String field, int characters) {
            return arn -> field + " has " + characters + " characters, more than 1600";
        }

        static Reason blank(String field) {
            return arn -> field + " is missing or blank";
        }
    }

    private static String notAMemberArn(String arn) {
        return Reason.SHAPE.says(arn);
    }

    private static String ofAnotherAppInstance(String arn, String appInstanceArn) {
        return "MemberArn " + quoted(arn) + " belongs to the AppInstance " + quoted(appInstanceArn)
                + ", not to the channel's " + quoted(APP_INSTANCE);
    }

    private static String notAllowed(String appInstanceArn) {
        return "AppInstance " + appInstanceArn + " is not in ALLOWED_APP_INSTANCE_ARNS: this deployment does not "
                + "manage it";
    }

    /** As a reason quotes a value: whole up to 100 characters, else its start and its length. */
    private static String quoted(String value) {
        return value.length() <= 100 ? "'" + value + "'"
                : "'" + value.substring(0, 100) + "...' (" + value.codePointCount(0, value.length()) + " characters)";
    }

    /** Form 3. */
    private static String form3(String channelArn, List<String> memberArns) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("ChannelArn", channelArn);
        request.put("MemberArns", memberArns);
        return json(request);
    }

    /** Form 4. */
    private static String form4(String channelArn, String memberArn) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("ChannelArn", channelArn);
        request.put("MemberArn", memberArn);
        return json(request);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
