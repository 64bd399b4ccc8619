package roommembership.pipeline.read;

import roommembership.model.Action;
import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static roommembership.pipeline.read.MessageParser.MAX_ITEMS;
import static roommembership.pipeline.read.MessageParser.MAX_MEMBER_ID_CHARS;
import static roommembership.model.Text.quoted;

/**
 * The four request forms, from a body's fields to a request: forms 1 and 2 name a legacy chat room and its members'
 * MemberIds, forms 3 and 4 a Chime SDK messaging channel and its members' ARNs.
 */
final class RequestForms {
    private RequestForms() {
    }

    static ParsedMessage toRequest(BodyFields fields) {
        // The caller's identity comes from the deployment's configuration only.
        if (fields.chimeBearerPresent) {
            return new ParsedMessage.Invalid("ChimeBearer is not a request field: the function calls Chime only as "
                    + "the AppInstanceUser or AppInstanceBot its CHIME_BEARER_ARN names");
        }
        if (fields.subChannelIdPresent) {
            return new ParsedMessage.Invalid("SubChannelId is not a request field: the function manages whole "
                    + "channels, not the sub-channels of elastic channels");
        }
        Action action;
        if (fields.action == null) {
            action = Action.ADD;
        } else {
            Optional<Action> named = Action.fromWireName(fields.action);
            if (named.isEmpty()) {
                return new ParsedMessage.Invalid("Action must be Add or Remove, not " + quoted(fields.action));
            }
            action = named.get();
        }
        if (!fields.isLegacy() && fields.isChannel()) {
            return toChannelRequest(fields, action);
        }
        if (isBlank(fields.accountId)) {
            return new ParsedMessage.Invalid("AccountId is missing or blank");
        }
        if (isBlank(fields.roomId)) {
            return new ParsedMessage.Invalid("RoomId is missing or blank");
        }
        // Both ids become path segments of the Chime call: anything but a plain id is refused, never escaped.
        if (!RoomKey.isId(fields.accountId)) {
            return new ParsedMessage.Invalid(
                    "AccountId must be " + RoomKey.ID_RULE + ", not " + quoted(fields.accountId));
        }
        if (!RoomKey.isId(fields.roomId)) {
            return new ParsedMessage.Invalid(
                    "RoomId must be " + RoomKey.ID_RULE + ", not " + quoted(fields.roomId));
        }
        List<BodyFields.RawItem> items = new ArrayList<>(fields.items);
        if (fields.memberIdPresent) {
            items.add(new BodyFields.RawItem(fields.memberId, fields.role, fields.memberIdProblem));
        }
        if (items.isEmpty()) {
            return new ParsedMessage.Invalid("no members: give a non-empty MembershipItemList or a MemberId");
        }
        if (items.size() > MAX_ITEMS) {
            return new ParsedMessage.Invalid(
                    "too many members: " + items.size() + " items, at most " + MAX_ITEMS + " per message");
        }
        // A member named twice in one message is sent once, as for two messages of a batch: the later item's role
        // decides, and a later item without one keeps the role an earlier one named.
        Map<String, Membership> members = new LinkedHashMap<>();
        List<RejectedItem> rejected = new ArrayList<>();
        for (BodyFields.RawItem item : items) {
            Optional<String> problem = problemOf(item);
            if (problem.isPresent()) {
                rejected.add(RejectedItem.badRequest(item.memberId(), item.role(), problem.get()));
            } else {
                Membership earlier = members.remove(item.memberId());
                members.put(item.memberId(), item.role() != null
                        ? new Membership(item.memberId(), Role.fromWireName(item.role()).orElseThrow())
                        : earlier != null ? earlier : Membership.withoutRole(item.memberId()));
            }
        }
        return new ParsedMessage.Request(
                new RoomKey(fields.accountId, fields.roomId), List.copyOf(members.values()), rejected, action);
    }

    /** Forms 3 and 4: the shape of a BatchCreateChannelMembership request, or one member of it. */
    private static ParsedMessage toChannelRequest(BodyFields fields, Action action) {
        if (fields.channelFieldProblem != null) {
            return new ParsedMessage.Invalid(fields.channelFieldProblem);
        }
        Optional<String> channelProblem = ChannelKey.problemOf(fields.channelArn);
        if (channelProblem.isPresent()) {
            return new ParsedMessage.Invalid(channelProblem.get());
        }
        ChannelKey channel = ChannelKey.of(fields.channelArn).orElseThrow();
        List<BodyFields.RawItem> items = new ArrayList<>(fields.arns);
        if (fields.memberArnPresent) {
            items.add(new BodyFields.RawItem(fields.memberArn, null, fields.memberArnProblem));
        }
        if (items.isEmpty()) {
            return new ParsedMessage.Invalid("no members: give a non-empty MemberArns or a MemberArn");
        }
        if (items.size() > MAX_ITEMS) {
            return new ParsedMessage.Invalid(
                    "too many members: " + items.size() + " items, at most " + MAX_ITEMS + " per message");
        }
        // Role and Type apply to every member of the message; a wrong one rejects each member, as a wrong Role does
        // the one member of form 2.
        Optional<String> shared = fields.role != null && Role.fromWireName(fields.role).isEmpty()
                ? Optional.of("Role must be Administrator or Member, not " + quoted(fields.role))
                : fields.type != null && MembershipType.fromWireName(fields.type).isEmpty()
                ? Optional.of("Type must be DEFAULT or HIDDEN, not " + quoted(fields.type))
                : Optional.empty();
        Map<String, Membership> members = new LinkedHashMap<>();
        List<RejectedItem> rejected = new ArrayList<>();
        for (BodyFields.RawItem item : items) {
            Optional<String> problem = item.problem() != null ? Optional.of(item.problem())
                    : shared.isPresent() ? shared : channel.memberProblem(item.memberId());
            if (problem.isPresent()) {
                rejected.add(new RejectedItem(item.memberId(), fields.role, fields.type, ErrorCodes.BAD_REQUEST,
                        problem.get()));
            } else {
                MembershipType type = fields.type == null
                        ? MembershipType.DEFAULT : MembershipType.fromWireName(fields.type).orElseThrow();
                members.remove(item.memberId());
                members.put(item.memberId(), fields.role == null ? Membership.withoutRole(item.memberId(), type)
                        : new Membership(item.memberId(), Role.fromWireName(fields.role).orElseThrow(), type));
            }
        }
        return new ParsedMessage.Request(channel, List.copyOf(members.values()), rejected, action);
    }

    private static Optional<String> problemOf(BodyFields.RawItem item) {
        if (item.problem() != null) {
            return Optional.of(item.problem());
        }
        if (isBlank(item.memberId())) {
            return Optional.of("MemberId is missing or blank");
        }
        Optional<String> memberIdProblem = memberIdProblem(item.memberId());
        if (memberIdProblem.isPresent()) {
            return memberIdProblem;
        }
        if (item.role() != null && Role.fromWireName(item.role()).isEmpty()) {
            return Optional.of("Role must be Administrator or Member, not " + quoted(item.role()));
        }
        return Optional.empty();
    }

    /** A MemberId is sent as JSON text: it must be short, printable and encodable as UTF-8. */
    private static Optional<String> memberIdProblem(String memberId) {
        int length = memberId.codePointCount(0, memberId.length());
        if (length > MAX_MEMBER_ID_CHARS) {
            return Optional.of("MemberId has " + length + " characters, more than " + MAX_MEMBER_ID_CHARS + ": "
                    + quoted(memberId));
        }
        for (int i = 0; i < memberId.length(); i++) {
            char c = memberId.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of(String.format("MemberId contains the control character U+%04X", (int) c));
            }
            if (Character.isHighSurrogate(c) && i + 1 < memberId.length()
                    && Character.isLowSurrogate(memberId.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(String.format(
                        "MemberId contains the unpaired surrogate U+%04X, which has no UTF-8 encoding", (int) c));
            }
        }
        return Optional.empty();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

}
