package roommembership.target.room;

import roommembership.pacing.Pacer;
import roommembership.pacing.Scope;
import roommembership.target.sdk.PacedAttempts;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import java.util.function.Consumer;

import roommembership.target.sdk.ChimeErrors;
import roommembership.target.sdk.Listing;

import roommembership.target.CallResult;
import roommembership.model.ErrorCodes;
import roommembership.target.MemberError;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.target.RoomKey;
import roommembership.target.Memberships;
import roommembership.target.Roster;
import roommembership.target.TargetRead;
import roommembership.target.TargetState;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chime.model.BadRequestException;
import software.amazon.awssdk.services.chime.model.ForbiddenException;
import software.amazon.awssdk.services.chime.model.ListRoomMembershipsResponse;
import software.amazon.awssdk.services.chime.model.MembershipItem;
import software.amazon.awssdk.services.chime.model.NotFoundException;
import software.amazon.awssdk.services.chime.model.RoomMembership;
import software.amazon.awssdk.services.chime.model.RoomMembershipRole;
import software.amazon.awssdk.services.chime.model.ServiceFailureException;
import software.amazon.awssdk.services.chime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.chime.model.ThrottledClientException;
import software.amazon.awssdk.services.chime.model.UnauthorizedClientException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The Chime API behind the room-memberships port: BatchCreate-, Delete-, Update- and ListRoomMemberships. */
public final class ChimeRoomMemberships implements Memberships<RoomKey> {
    /** ListRoomMemberships' largest page. */
    private static final int MAX_PAGE_SIZE = 99;
    /** A room holds at most 1,000 members by its quota: 100 full pages are ten times as many, so more never end. */
    private static final List<Scope> ROOMS = List.of(Scope.rooms());
    private static final Listing LISTING = new Listing("ListRoomMemberships", 100, "room");

    private final ChimeClient chime;
    private final Pacer pacer;

    /** @param pacer keeps every call within the rooms' rate */
    public ChimeRoomMemberships(ChimeClient chime, Pacer pacer) {
        this.chime = Objects.requireNonNull(chime, "chime");
        this.pacer = Objects.requireNonNull(pacer, "pacer");
    }

    private Consumer<AwsRequestOverrideConfiguration.Builder> paced(Duration timeLimit) {
        return PacedAttempts.paced(timeLimit, pacer, ROOMS);
    }

    @Override
    public CallResult addMembers(RoomKey room, List<Membership> members, Duration timeLimit) {
        List<MembershipItem> items = members.stream()
                .map(member -> MembershipItem.builder()
                        .memberId(member.memberId())
                        .role(member.role().wireName())
                        .build())
                .toList();
        return ERRORS.batch(timeLimit, limit -> ChimeErrors.withBody(chime.batchCreateRoomMembership(request -> request
                        .accountId(room.accountId())
                        .roomId(room.roomId())
                        .membershipItemList(items)
                        .overrideConfiguration(paced(limit)))).errors(),
                error -> new MemberError(error.memberId(), error.errorCodeAsString(), error.errorMessage()));
    }

    @Override
    public Roster members(RoomKey room, Duration timeLimit) {
        return roster(room, timeLimit, false);
    }

    @Override
    public Roster administrators(RoomKey room, Duration timeLimit) {
        return roster(room, timeLimit, true);
    }

    /** One listing holds both: every member, each with its role. */
    @Override
    public TargetRead state(RoomKey room, Duration timeLimit) {
        Listing.Marked read = LISTING.readMarked(timeLimit, ERRORS, List.of(pages(room, false)));
        if (read.roster() instanceof Roster.Unknown unknown) {
            return new TargetRead.Unknown(unknown.errorCode(), unknown.message());
        }
        Roster.Known members = (Roster.Known) read.roster();
        Map<String, MembershipType> types = new HashMap<>();
        members.memberIds().forEach(id -> types.put(id, MembershipType.DEFAULT));
        return new TargetRead.Known(new TargetState(types, read.marked()), members.unnamedEntries());
    }

    /** DeleteRoomMembership answers NotFoundException alike for a member not in the room and a room that is not. */
    @Override
    public CallResult removeMember(RoomKey room, String memberId, Duration timeLimit) {
        return ERRORS.single(timeLimit, limit -> chime.deleteRoomMembership(request -> request
                .accountId(room.accountId())
                .roomId(room.roomId())
                .memberId(memberId)
                .overrideConfiguration(paced(limit))));
    }

    @Override
    public CallResult setRole(RoomKey room, String memberId, Role role, Duration timeLimit) {
        return ERRORS.single(timeLimit, limit -> chime.updateRoomMembership(request -> request
                .accountId(room.accountId())
                .roomId(room.roomId())
                .memberId(memberId)
                .role(role.wireName())
                .overrideConfiguration(paced(limit))));
    }

    /**
     * Every page of the room's members; with {@code administrators}, only those whose role is Administrator. An
     * entry without its member or its MemberId names no one, whatever its role: it is skipped and counted.
     */
    private Roster roster(RoomKey room, Duration timeLimit, boolean administrators) {
        return LISTING.read(timeLimit, ERRORS, List.of(pages(room, administrators)));
    }

    /**
     * The room's listing, page by page: its members, or with {@code administrators} only those whose role is
     * Administrator; either way each Administrator marked.
     */
    private Listing.PageCall pages(RoomKey room, boolean administrators) {
        return (nextToken, left) -> {
            ListRoomMembershipsResponse page = ChimeErrors.withBody(chime.listRoomMemberships(request -> request
                    .accountId(room.accountId())
                    .roomId(room.roomId())
                    .maxResults(MAX_PAGE_SIZE)
                    .nextToken(nextToken)
                    .overrideConfiguration(paced(left))));
            List<String> memberIds = new ArrayList<>();
            Set<String> marked = new HashSet<>();
            for (RoomMembership membership : page.roomMemberships()) {
                String memberId = membership == null || membership.member() == null
                        ? null : membership.member().memberId();
                boolean administrator = memberId != null && membership.role() == RoomMembershipRole.ADMINISTRATOR;
                if (memberId == null || !administrators || administrator) {
                    memberIds.add(memberId);
                }
                if (administrator) {
                    marked.add(memberId);
                }
            }
            return new Listing.Page(memberIds, page.nextToken(), marked);
        };
    }

    /** The operation's declared errors and I/O failures, by the ErrorCode each stands for. */
    static final ChimeErrors ERRORS = new ChimeErrors(List.of(
            Map.entry(NotFoundException.class, ErrorCodes.NOT_FOUND),
            Map.entry(BadRequestException.class, ErrorCodes.BAD_REQUEST),
            Map.entry(ForbiddenException.class, ErrorCodes.FORBIDDEN),
            Map.entry(UnauthorizedClientException.class, ErrorCodes.UNAUTHORIZED),
            Map.entry(ThrottledClientException.class, ErrorCodes.THROTTLED),
            Map.entry(ServiceFailureException.class, ErrorCodes.SERVICE_FAILURE),
            Map.entry(ServiceUnavailableException.class, ErrorCodes.SERVICE_UNAVAILABLE)));
}
