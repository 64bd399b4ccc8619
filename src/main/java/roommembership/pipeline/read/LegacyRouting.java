package roommembership.pipeline.read;

import roommembership.model.Text;

import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.target.Target;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The migration path: legacy requests (forms 1 and 2) sent to Chime SDK messaging channels instead of the chat-room
 * API, by two templates. The room becomes the channel {@code channelArnTemplate} names, each MemberId the
 * AppInstanceUser {@code memberArnTemplate} names; the role carries over. A pure function of the request.
 */
public record LegacyRouting(String channelArnTemplate, String memberArnTemplate) {
    public static final String ACCOUNT_ID = "{AccountId}";
    public static final String ROOM_ID = "{RoomId}";
    public static final String MEMBER_ID = "{MemberId}";

    public LegacyRouting {
        Objects.requireNonNull(channelArnTemplate, "channelArnTemplate");
        Objects.requireNonNull(memberArnTemplate, "memberArnTemplate");
    }

    /** What is wrong with the templates, in words; empty when every legacy request can be translated by them. */
    public Optional<String> problem() {
        if (!channelArnTemplate.contains(ROOM_ID)) {
            return Optional.of("CHANNEL_ARN_TEMPLATE must contain " + ROOM_ID + ", or every room would be one channel");
        }
        if (!memberArnTemplate.contains(MEMBER_ID)) {
            return Optional.of("MEMBER_ARN_TEMPLATE must contain " + MEMBER_ID + ", or every member would be one user");
        }
        // A sample translation shows a template that can never give a valid ARN, before any request arrives.
        Optional<String> channel = ChannelKey.problemOf(channelArn(new RoomKey("sample", "sample")));
        if (channel.isPresent()) {
            return Optional.of("CHANNEL_ARN_TEMPLATE does not give a channel ARN: " + channel.get());
        }
        ChannelKey sample = ChannelKey.of(channelArn(new RoomKey("sample", "sample"))).orElseThrow();
        Optional<String> member = sample.memberProblem(memberArn(new RoomKey("sample", "sample"), "sample"));
        return member.map(problem -> "MEMBER_ARN_TEMPLATE does not give a user of the channel's AppInstance: " + problem);
    }

    /** The request as it goes to the channel; any other message as it is. */
    public ParsedMessage route(ParsedMessage message) {
        if (!(message instanceof ParsedMessage.Request request)) {
            return message;
        }
        // The templates fill in the legacy form's own id fields: a request whose target has no such ids stays.
        Map<String, String> ids = ids(request.target());
        if (!ids.containsKey("AccountId") || !ids.containsKey("RoomId")) {
            return message;
        }
        Target room = request.target();
        String channelArn = channelArn(ids);
        Optional<String> channelProblem = ChannelKey.problemOf(channelArn);
        if (channelProblem.isPresent()) {
            return request.refused(ErrorCodes.BAD_REQUEST, "the room " + ids.get("RoomId") + " gives the ChannelArn "
                    + Text.quoted(channelArn) + " through CHANNEL_ARN_TEMPLATE, which is not valid: "
                    + channelProblem.get());
        }
        ChannelKey channel = ChannelKey.of(channelArn).orElseThrow();
        List<Membership> members = new ArrayList<>();
        List<RejectedItem> rejected = new ArrayList<>(request.rejected());
        Map<String, String> legacyIds = new LinkedHashMap<>();
        for (Membership member : request.members()) {
            String memberArn = memberArn(ids, member.memberId());
            Optional<String> problem = channel.memberProblem(memberArn);
            if (problem.isPresent()) {
                rejected.add(RejectedItem.badRequest(member.memberId(), member.namedRole(), "the MemberId gives "
                        + "the MemberArn " + Text.quoted(memberArn) + " through MEMBER_ARN_TEMPLATE, which is "
                        + "not valid: " + problem.get()));
            } else {
                members.add(member.withId(memberArn));
                legacyIds.put(memberArn, member.memberId());
            }
        }
        return new ParsedMessage.Request(channel, members, rejected,
                Optional.of(new ParsedMessage.Routed(room, legacyIds)), request.action());
    }

    String channelArn(Target room) {
        return channelArn(ids(room));
    }

    String memberArn(Target room, String memberId) {
        return memberArn(ids(room), memberId);
    }

    private String channelArn(Map<String, String> ids) {
        return channelArnTemplate.replace(ACCOUNT_ID, ids.get("AccountId")).replace(ROOM_ID, ids.get("RoomId"));
    }

    private String memberArn(Map<String, String> ids, String memberId) {
        return memberArnTemplate.replace(ACCOUNT_ID, ids.get("AccountId")).replace(MEMBER_ID, memberId);
    }

    private static Map<String, String> ids(Target target) {
        Map<String, String> ids = new HashMap<>();
        target.idFields().forEach(field -> ids.put(field.getKey(), field.getValue()));
        return ids;
    }
}
