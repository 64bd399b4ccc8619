package roommembership.pipeline.read;

import org.junit.jupiter.api.Test;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which messages ask for a roster, and which one. */
class RosterTriggerTest {

    @Test
    void theBucketsNotificationNamesEachNewObjectWithItsKeyDecoded() {
        String event = """
                {"Records":[
                  {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectCreated:Put",
                   "s3":{"bucket":{"name":"hr-rosters","arn":"arn:aws:s3:::hr-rosters"},
                         "object":{"key":"rosters/sales+team%2B2026%C3%A9.jsonl","size":120,"eTag":"abc"}}},
                  {"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:CompleteMultipartUpload",
                   "s3":{"bucket":{"name":"hr-rosters"},"object":{"key":"ops.jsonl","size":7}}}]}""";

        assertThat(RosterTrigger.of(event)).contains(new RosterTrigger.Apply(List.of(
                new RosterTrigger.RosterObject("hr-rosters", "rosters/sales team+2026é.jsonl"),
                new RosterTrigger.RosterObject("hr-rosters", "ops.jsonl"))));
    }

    @Test
    void s3sTestEventIsOneToSettleQuietly() {
        assertThat(RosterTrigger.of("""
                {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-12-06T06:00:00.000Z",
                 "Bucket":"hr-rosters","RequestId":"R1","HostId":"H1"}"""))
                .contains(new RosterTrigger.TestEvent());
    }

    @Test
    void aRosterMessageAppliesTheObjectItNames() {
        assertThat(RosterTrigger.of("{\"Roster\":\"s3://hr-rosters/dry-run/sales.jsonl\"}"))
                .contains(new RosterTrigger.Apply(List.of(
                        new RosterTrigger.RosterObject("hr-rosters", "dry-run/sales.jsonl"))));
        assertThat(new RosterTrigger.RosterObject("hr-rosters", "dry-run/sales.jsonl").uri())
                .isEqualTo("s3://hr-rosters/dry-run/sales.jsonl");
    }

    @Test
    void aRosterMessageWithATargetsIdsAppliesTheRosterToThatTargetOnly() {
        String channel = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001/channel/general";
        List<RosterTrigger.RosterObject> rosters = List.of(new RosterTrigger.RosterObject("hr-rosters", "acme.jsonl"));

        assertThat(RosterTrigger.of("{\"Roster\":\"s3://hr-rosters/acme.jsonl\",\"ChannelArn\":\"" + channel + "\"}"))
                .contains(new RosterTrigger.Apply(rosters, Optional.of(ChannelKey.of(channel).orElseThrow())));
        assertThat(RosterTrigger.of("{\"Roster\":\"s3://hr-rosters/acme.jsonl\",\"AccountId\":\"acct-1\","
                + "\"RoomId\":\"sales\"}"))
                .contains(new RosterTrigger.Apply(rosters, Optional.of(new RoomKey("acct-1", "sales"))));
        assertThat(RosterTrigger.of("{\"Roster\":\"s3://hr-rosters/acme.jsonl\",\"AccountId\":\"acct-1\"}"))
                .hasValueSatisfying(trigger -> assertThat(trigger).isInstanceOf(RosterTrigger.Invalid.class));
    }

    @Test
    void aRequestThatNamesItsRosterIsARequestAndNamesIt() {
        String request = "{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\",\"MemberId\":\"ann\","
                + "\"Roster\":\"s3://hr-rosters/acme.jsonl\",\"ErrorCode\":\"NotFound\"}";

        assertThat(RosterTrigger.of(request)).isEmpty();
        assertThat(RosterTrigger.rosterOfRequest(request)).contains("s3://hr-rosters/acme.jsonl");
        assertThat(RosterTrigger.rosterOfRequest("{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\",\"MemberId\":\"ann\"}"))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"Roster\":\"https://hr-rosters/sales.jsonl\"}", "{\"Roster\":\"s3://hr-rosters/\"}",
            "{\"Roster\":\"s3:///sales.jsonl\"}", "{\"Roster\":\"s3://hr-rosters\"}", "{\"Roster\":42}",
            "{\"Roster\":null}"})
    void aRosterMessageThatNamesNoObjectIsInvalid(String body) {
        assertThat(RosterTrigger.of(body)).hasValueSatisfying(trigger ->
                assertThat(trigger).isInstanceOf(RosterTrigger.Invalid.class));
    }

    @Test
    void aNotificationOfAnythingButANewObjectIsInvalid() {
        String removed = """
                {"Records":[{"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete",
                  "s3":{"bucket":{"name":"hr-rosters"},"object":{"key":"sales.jsonl"}}}]}""";
        String keyless = """
                {"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"}}}]}""";

        assertThat(RosterTrigger.of(removed)).contains(new RosterTrigger.Invalid("an S3 event notification announces "
                + "new rosters with ObjectCreated events only, not 'ObjectRemoved:Delete'"));
        assertThat(RosterTrigger.of(keyless)).contains(new RosterTrigger.Invalid(
                "an S3 event record names its bucket (s3.bucket.name) and object (s3.object.key)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\",\"MemberId\":\"ann\"}", "not json",
            "{\"Records\":[{\"eventSource\":\"aws:sqs\"}]}", "[1,2]", "", "{\"Records\":\"x\"}", "{} {}"})
    void anyOtherBodyIsNoRosterTrigger(String body) {
        assertThat(RosterTrigger.of(body)).isEqualTo(Optional.empty());
    }
}
