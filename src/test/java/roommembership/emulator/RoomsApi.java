package roommembership.emulator;

import roommembership.emulator.ChimeEmulator.CredentialScope;
import roommembership.emulator.ChimeEmulator.Item;
import roommembership.emulator.ChimeEmulator.RecordedCall;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Four operations of the legacy Amazon Chime chat-room API (rest-json), with their state: accounts, their users and
 * their rooms.
 * <ul>
 *   <li>{@code BatchCreateRoomMembership}:
 *       {@code POST /accounts/{accountId}/rooms/{roomId}/memberships?operation=batch-create};</li>
 *   <li>{@code ListRoomMemberships}: {@code GET /accounts/{accountId}/rooms/{roomId}/memberships}, optional query
 *       {@code max-results} and {@code next-token};</li>
 *   <li>{@code UpdateRoomMembership}: {@code POST /accounts/{accountId}/rooms/{roomId}/memberships/{memberId}}, body
 *       {@code {"Role":...}} (optional), 200 {@code {"RoomMembership":{...}}};</li>
 *   <li>{@code DeleteRoomMembership}: {@code DELETE} on the same path, 204 without a body.</li>
 * </ul>
 * Once {@link ChimeEmulator} has recorded, delayed and (maybe) faulted a call, it is answered in this order:
 * <ol>
 *   <li>the {@code Authorization} header must be a SigV4 header scoped to {@code us-east-1/chime}, else 401 (the API is
 *       served from that region only);</li>
 *   <li>a malformed request answers 400 {@code BadRequestException} (whole call, no state change); an id label that is
 *       blank fails the model's {@code NonEmptyString} pattern {@code .*\S.*};</li>
 *   <li>an unknown account or room answers 404 {@code NotFoundException};</li>
 *   <li>{@code BatchCreateRoomMembership}: each item is then processed: a duplicate within the request
 *       ({@code Conflict}), an armed {@link ChimeEmulator#failMember(String, String, int) member error}, a user unknown
 *       to the account ({@code NotFound}), an existing member ({@code Conflict}), else the member is added with its
 *       role (default {@code Member}); the answer is 201 {@code {"Errors":[...]}};</li>
 *   <li>{@code ListRoomMemberships}: the answer is 200 {@code {"RoomMemberships":[...],"NextToken":...}}, one page of
 *       the room's members in the order they joined (see {@link #DEFAULT_PAGE_SIZE}); a member who left and came back
 *       joined again, at the end;</li>
 *   <li>{@code UpdateRoomMembership} and {@code DeleteRoomMembership}: an armed
 *       {@link ChimeEmulator#failMemberCall member call fault} for the member id; then a member id that is not in the
 *       room answers 404 {@code NotFoundException}, with a message naming the member (the room's own 404 names the
 *       room or the account); else the role is set (an absent {@code Role} keeps it) and the membership answered, or
 *       the member removed.</li>
 * </ol>
 *
 * The {@link OddAnswers} switches may then name an {@code Errors} entry's member oddly, begin a page with entries
 * that name no one, or put a NextToken on every page; none of them changes the state.
 *
 * <p><b>A member who is not in the room.</b> The reference pages of both deletes and updates declare
 * {@code NotFoundException}, "One or more of the resources in the request does not exist in the system."
 * (https://docs.aws.amazon.com/chime/latest/APIReference/API_DeleteRoomMembership.html); the membership named by the
 * path is such a resource, and this API already answers {@code NotFound} for a member id it cannot find (a batch
 * item). No page says more, and no public implementation of this API was found, so an absent member is a 404 as much
 * as a missing room is, told apart by the message only: a caller that wants a room without a member has it when
 * either answers.
 *
 * <p>Times kept per member for {@link ChimeEmulator#memberSince}, {@link ChimeEmulator#roleSince} and
 * {@link ChimeEmulator#leftAt}: when it joined, when its present role was set (on joining, or by an update that
 * changed it; this is also its {@code UpdatedTimestamp}), and when it last left (kept after it comes back).
 */
final class RoomsApi {

    /** Upper bound of {@code MembershipItemList} in the service model. */
    static final int MAX_ITEMS = 50;

    static final String BATCH_CREATE_ROOM_MEMBERSHIP = "BatchCreateRoomMembership";
    static final String LIST_ROOM_MEMBERSHIPS = "ListRoomMemberships";
    static final String UPDATE_ROOM_MEMBERSHIP = "UpdateRoomMembership";
    static final String DELETE_ROOM_MEMBERSHIP = "DeleteRoomMembership";

    /** Bounds of {@code ResultMax} ({@code max-results}) in the service model. */
    static final int MIN_RESULTS = 1;
    static final int MAX_RESULTS = 99;
    /**
     * Page size of {@code ListRoomMemberships} when {@code max-results} is absent. The service documents no default;
     * this one is small so that a room of a few members already spans pages and a client ignoring NextToken shows.
     */
    static final int DEFAULT_PAGE_SIZE = 10;

    private static final String REGION = "us-east-1";
    private static final String OPERATION_PATH_TAIL = "memberships";
    private static final Set<String> ROLES = Set.of("Administrator", "Member");
    private static final String DEFAULT_ROLE = "Member";

    private static final class Account {
        final Set<String> users = new LinkedHashSet<>();
        final Map<String, Room> rooms = new LinkedHashMap<>();
    }

    private static final class Room {
        /** Members by memberId; a LinkedHashMap keeps join order (a member back after leaving is at the end). */
        final Map<String, Membership> members = new LinkedHashMap<>();
        /** When each member last left, kept after it comes back. */
        final Map<String, Instant> leftAt = new HashMap<>();
        /** Every join, leave and change of role of each member, in time order. */
        final Map<String, List<MembershipChange>> history = new HashMap<>();
        /** The join order's next position: list pages resume after a position, so a leaver shifts no one. */
        long nextPosition;

        void join(String memberId, String role) {
            Instant now = Instant.now();
            members.put(memberId, new Membership(role == null ? DEFAULT_ROLE : role, now, now, nextPosition++));
            noteLocked(memberId, new MembershipChange(now, true, role == null ? DEFAULT_ROLE : role));
        }

        void noteLocked(String memberId, MembershipChange change) {
            history.computeIfAbsent(memberId, m -> new ArrayList<>()).add(change);
        }
    }

    /**
     * A member's role, when it joined, when its role was last set (its {@code UpdatedTimestamp}), and its place in the
     * join order.
     */
    private record Membership(String role, Instant joined, Instant roleSince, long position) {
        Membership withRole(String newRole) {
            return newRole == null || newRole.equals(role)
                    ? this
                    : new Membership(newRole, joined, Instant.now(), position);
        }
    }

    /** Where an issued NextToken resumes: after a position in the join order, which a leaver does not shift. */
    private record PageToken(String accountId, String roomId, long afterPosition) {
    }

    private final ChimeEmulator core;
    private final Object lock = new Object();
    private final Map<String, Account> accounts = new HashMap<>();
    /** Issued NextTokens; a token not in here is unknown, so it is rejected rather than guessed at. */
    private final Map<String, PageToken> pageTokens = new HashMap<>();

    RoomsApi(ChimeEmulator core) {
        this.core = core;
    }

    // ---------------------------------------------------------------- seeding and inspection

    void account(String accountId) {
        synchronized (lock) {
            accountLocked(accountId);
        }
    }

    void user(String accountId, String userId) {
        Objects.requireNonNull(userId, "userId");
        synchronized (lock) {
            accountLocked(accountId).users.add(userId);
        }
    }

    void room(String accountId, String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        synchronized (lock) {
            accountLocked(accountId).rooms.computeIfAbsent(roomId, r -> new Room());
        }
    }

    void member(String accountId, String roomId, String memberId, String role) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(memberId, "memberId");
        synchronized (lock) {
            Account account = accountLocked(accountId);
            account.users.add(memberId);
            Room room = account.rooms.computeIfAbsent(roomId, r -> new Room());
            Membership seeded = room.members.get(memberId);
            if (seeded == null) {
                room.join(memberId, role);
            } else {
                // seeding again re-stamps the member in its place, as seeding always has
                Instant now = Instant.now();
                room.members.put(memberId, new Membership(role == null ? DEFAULT_ROLE : role, now, now,
                        seeded.position()));
                room.noteLocked(memberId, new MembershipChange(now, true, role == null ? DEFAULT_ROLE : role));
            }
        }
    }

    Optional<Instant> memberSince(String accountId, String roomId, String memberId) {
        return membership(accountId, roomId, memberId).map(Membership::joined);
    }

    Optional<Instant> roleSince(String accountId, String roomId, String memberId) {
        return membership(accountId, roomId, memberId).map(Membership::roleSince);
    }

    Optional<String> role(String accountId, String roomId, String memberId) {
        return membership(accountId, roomId, memberId).map(Membership::role);
    }

    Optional<Instant> leftAt(String accountId, String roomId, String memberId) {
        synchronized (lock) {
            Room room = roomLocked(accountId, roomId);
            return room == null ? Optional.empty() : Optional.ofNullable(room.leftAt.get(memberId));
        }
    }

    List<MembershipChange> history(String accountId, String roomId, String memberId) {
        synchronized (lock) {
            Room room = roomLocked(accountId, roomId);
            return room == null ? List.of() : List.copyOf(room.history.getOrDefault(memberId, List.of()));
        }
    }

    private Optional<Membership> membership(String accountId, String roomId, String memberId) {
        synchronized (lock) {
            Room room = roomLocked(accountId, roomId);
            return room == null ? Optional.empty() : Optional.ofNullable(room.members.get(memberId));
        }
    }

    Map<String, String> members(String accountId, String roomId) {
        synchronized (lock) {
            Room room = roomLocked(accountId, roomId);
            if (room == null) {
                return Map.of();
            }
            Map<String, String> roles = new LinkedHashMap<>();
            room.members.forEach((memberId, membership) -> roles.put(memberId, membership.role()));
            return Collections.unmodifiableMap(roles);
        }
    }

    /** Forgets every account, room and issued NextToken. */
    void reset() {
        synchronized (lock) {
            accounts.clear();
            pageTokens.clear();
        }
    }

    private Account accountLocked(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        return accounts.computeIfAbsent(accountId, a -> new Account());
    }

    /** The room; null when the account or the room does not exist. */
    private Room roomLocked(String accountId, String roomId) {
        Account account = accounts.get(accountId);
        return account == null ? null : account.rooms.get(roomId);
    }

    // ---------------------------------------------------------------- routing

    /**
     * A request to one of the four operations; a matching route whose labels are not decodable has null ids, and is
     * answered 400.
     */
    private final class RoomCall implements ChimeEmulator.Call {
        final String operation;
        final String accountId;
        final String roomId;
        /** The member id of the path, for the operations about one member; else null. */
        final String memberId;
        /** The items as sent, for the log (a batch's; the one member of an update or delete; none for a list). */
        final List<Item> items;
        final Request request;

        RoomCall(String operation, String accountId, String roomId, String memberId, Request request) {
            this.operation = operation;
            this.accountId = accountId;
            this.roomId = roomId;
            this.memberId = memberId;
            this.request = request;
            this.items = switch (operation) {
                case BATCH_CREATE_ROOM_MEMBERSHIP -> lenientItems(request);
                case UPDATE_ROOM_MEMBERSHIP -> memberId == null ? List.of() : List.of(new Item(memberId,
                        lenientRole(request)));
                case DELETE_ROOM_MEMBERSHIP -> memberId == null ? List.of() : List.of(new Item(memberId, null));
                default -> List.of();
            };
        }

        boolean aboutOneMember() {
            return UPDATE_ROOM_MEMBERSHIP.equals(operation) || DELETE_ROOM_MEMBERSHIP.equals(operation);
        }

        @Override
        public String operation() {
            return operation;
        }

        @Override
        public Answer checkSignature(CredentialScope scope) {
            return scope != null && scope.isFor(REGION, ChimeEmulator.SIGNING_NAME) ? null : unsigned();
        }

        @Override
        public Answer answer() {
            if (accountId == null || roomId == null || aboutOneMember() && memberId == null) {
                return Answer.badRequest("The request path is not correctly percent-encoded.");
            }
            if (aboutOneMember()) {
                for (Map.Entry<String, String> label : Map.of("accountId", accountId, "roomId", roomId,
                        "memberId", memberId).entrySet()) {
                    if (label.getValue().isBlank()) {
                        return Answer.badRequest("1 validation error detected: Value at '" + label.getKey()
                                + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                                + ".*\\S.*");
                    }
                }
            }
            return switch (operation) {
                case LIST_ROOM_MEMBERSHIPS -> listRoomMemberships(this);
                case UPDATE_ROOM_MEMBERSHIP -> updateRoomMembership(this);
                case DELETE_ROOM_MEMBERSHIP -> deleteRoomMembership(this);
                default -> batchCreateRoomMembership(this);
            };
        }

        @Override
        public RecordedCall recorded(int status, String authorization) {
            return new RecordedCall(operation, accountId, roomId, items, status, authorization);
        }
    }

    /** The answer to a request not signed for this API's region and service. */
    private static Answer unsigned() {
        return Answer.unauthorized(
                "The request must be signed with AWS Signature Version 4 for the " + REGION + " chime service.");
    }

    /**
     * Matches {@code POST /accounts/{accountId}/rooms/{roomId}/memberships?operation=batch-create},
     * {@code GET /accounts/{accountId}/rooms/{roomId}/memberships}, and {@code POST} and {@code DELETE}
     * {@code /accounts/{accountId}/rooms/{roomId}/memberships/{memberId}}; null when it is none of them.
     */
    ChimeEmulator.Call route(Request request) {
        if (request.rawPath() == null) {
            return null;
        }
        String[] segments = request.rawPath().split("/", -1);
        if (segments.length < 6 || segments.length > 7 || !segments[0].isEmpty() || !"accounts".equals(segments[1])
                || !"rooms".equals(segments[3]) || !OPERATION_PATH_TAIL.equals(segments[5])) {
            return null;
        }
        String operation = operation(request, segments.length == 7);
        if (operation == null) {
            return null;
        }
        try {
            return new RoomCall(operation, Request.percentDecode(segments[2]), Request.percentDecode(segments[4]),
                    segments.length == 7 ? Request.percentDecode(segments[6]) : null, request);
        } catch (IllegalArgumentException e) {
            return new RoomCall(operation, null, null, null, request);
        }
    }

    /** The operation of a request to the memberships path, or to one member's; null when it is none of the four. */
    private static String operation(Request request, boolean oneMember) {
        // an operation= literal belongs to the batch operations of the memberships path, never to the others
        boolean anyOperation = request.hasQueryParam("operation", null);
        if (oneMember) {
            if (anyOperation) {
                return null;
            }
            return switch (request.method()) {
                case "POST" -> UPDATE_ROOM_MEMBERSHIP;
                case "DELETE" -> DELETE_ROOM_MEMBERSHIP;
                default -> null;
            };
        }
        if ("POST".equals(request.method()) && request.hasQueryParam("operation", "batch-create")) {
            return BATCH_CREATE_ROOM_MEMBERSHIP;
        }
        return "GET".equals(request.method()) && !anyOperation ? LIST_ROOM_MEMBERSHIPS : null;
    }

    // ---------------------------------------------------------------- BatchCreateRoomMembership

    private Answer batchCreateRoomMembership(RoomCall call) {
        List<Item> items;
        try {
            items = strictItems(call.request);
        } catch (Answer.BadRequest e) {
            return e.answer();
        }
        synchronized (lock) {
            Room room = roomLocked(call.accountId, call.roomId);
            if (room == null) {
                return missingLocked(call);
            }
            List<Map<String, Object>> errors = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (Item item : items) {
                String memberId = item.memberId();
                if (!seen.add(memberId)) {
                    errors.add(memberError(memberId, "Conflict",
                            "The member " + memberId + " appears more than once in the request."));
                    continue;
                }
                String armed = core.takeMemberError(BATCH_CREATE_ROOM_MEMBERSHIP, memberId);
                if (armed != null) {
                    errors.add(memberError(memberId, armed,
                            "Injected " + armed + " error for member " + memberId + "."));
                    continue;
                }
                if (!accounts.get(call.accountId).users.contains(memberId)) {
                    errors.add(memberError(memberId, "NotFound",
                            "The member " + memberId + " is not found in account " + call.accountId + "."));
                    continue;
                }
                if (room.members.containsKey(memberId)) {
                    errors.add(memberError(memberId, "Conflict",
                            "The member " + memberId + " is already a member of room " + call.roomId + "."));
                    continue;
                }
                room.join(memberId, item.role());
            }
            return new Answer(201, null, Map.of("Errors", errors));
        }
    }

    /** An Errors entry, naming its member as {@link OddAnswers#nameErrorsOf} may have switched it to. */
    private Map<String, Object> memberError(String memberId, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        String named = core.oddAnswers().errorEntryName(memberId);
        if (named != null) {
            error.put("MemberId", named);
        }
        error.put("ErrorCode", code);
        error.put("ErrorMessage", message);
        return error;
    }

    /** The 404 for a call whose room {@link #roomLocked} did not find: the account first, then the room. */
    private Answer missingLocked(RoomCall call) {
        return accounts.containsKey(call.accountId)
                ? Answer.notFound("The room " + call.roomId + " is not found in account " + call.accountId + ".")
                : Answer.notFound("The account " + call.accountId + " is not found.");
    }

    /** The items as sent, for the log; never fails. */
    private static List<Item> lenientItems(Request request) {
        try {
            JsonNode root = request.jsonBody();
            JsonNode list = root == null ? null : root.get("MembershipItemList");
            if (list == null || !list.isArray()) {
                return List.of();
            }
            List<Item> items = new ArrayList<>(list.size());
            for (JsonNode node : list) {
                items.add(new Item(Request.textOrNull(node.get("MemberId")), Request.textOrNull(node.get("Role"))));
            }
            return items;
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** The items, validated against the service model; any violation rejects the whole call. */
    private static List<Item> strictItems(Request request) throws Answer.BadRequest {
        JsonNode root = request.jsonBody();
        if (root == null) {
            throw new Answer.BadRequest("The request body is not valid JSON.");
        }
        if (root.isMissingNode() || !root.isObject()) {
            throw new Answer.BadRequest("The request body must be a JSON object.");
        }
        JsonNode list = root.get("MembershipItemList");
        if (list == null || list.isNull()) {
            throw new Answer.BadRequest("1 validation error detected: Value null at 'membershipItemList' failed to "
                    + "satisfy constraint: Member must not be null");
        }
        if (!list.isArray()) {
            throw new Answer.BadRequest("MembershipItemList must be a list.");
        }
        if (list.size() > MAX_ITEMS) {
            throw new Answer.BadRequest("1 validation error detected: Value at 'membershipItemList' failed to satisfy "
                    + "constraint: Member must have length less than or equal to " + MAX_ITEMS);
        }
        List<Item> items = new ArrayList<>(list.size());
        int index = 0;
        for (JsonNode node : list) {
            index++;
            if (!node.isObject()) {
                throw new Answer.BadRequest("MembershipItemList." + index + " must be a structure.");
            }
            JsonNode memberId = node.get("MemberId");
            if (memberId == null || !memberId.isTextual() || memberId.textValue().isBlank()) {
                throw new Answer.BadRequest("1 validation error detected: Value at 'membershipItemList." + index
                        + ".member.memberId' failed to satisfy constraint: Member must satisfy regular expression "
                        + "pattern: .*\\S.*");
            }
            JsonNode role = node.get("Role");
            String roleValue = null;
            if (role != null && !role.isNull()) {
                if (!role.isTextual() || !ROLES.contains(role.textValue())) {
                    throw new Answer.BadRequest("1 validation error detected: Value '" + Request.textOrNull(role)
                            + "' at 'membershipItemList." + index + ".member.role' failed to satisfy constraint: "
                            + "Member must satisfy enum value set: [Administrator, Member]");
                }
                roleValue = role.textValue();
            }
            items.add(new Item(memberId.textValue(), roleValue));
        }
        return items;
    }

    // ---------------------------------------------------------------- ListRoomMemberships

    /** One page of the room's members in join order; NextToken only when members remain after it. */
    private Answer listRoomMemberships(RoomCall call) {
        int pageSize;
        String nextToken;
        try {
            pageSize = call.request.maxResults(DEFAULT_PAGE_SIZE, MIN_RESULTS, MAX_RESULTS);
            nextToken = call.request.queryValue("next-token");
        } catch (Answer.BadRequest e) {
            return e.answer();
        }
        synchronized (lock) {
            long after = -1;
            if (nextToken != null) {
                PageToken token = pageTokens.get(nextToken);
                // a token issued for another room would page through the wrong list, so it is as invalid as garbage
                if (token == null || !token.accountId.equals(call.accountId) || !token.roomId.equals(call.roomId)) {
                    return Answer.badRequest("The next token is not valid.");
                }
                after = token.afterPosition;
            }
            Room room = roomLocked(call.accountId, call.roomId);
            if (room == null) {
                return missingLocked(call);
            }
            List<Map<String, Object>> page = new ArrayList<>(Math.min(pageSize, room.members.size()));
            if (core.oddAnswers().takeMemberlessPage(LIST_ROOM_MEMBERSHIPS)) {
                page.addAll(memberlessEntries(call));
            }
            long last = after;
            boolean more = false;
            for (Map.Entry<String, Membership> member : room.members.entrySet()) {
                if (member.getValue().position() <= after) {
                    continue;
                }
                if (page.size() == pageSize) {
                    more = true;
                    break;
                }
                page.add(roomMembership(call, member.getKey(), member.getValue()));
                last = member.getValue().position();
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("RoomMemberships", page);
            boolean endless = core.oddAnswers().isEndless(LIST_ROOM_MEMBERSHIPS);
            if (more || endless) {
                String token = UUID.randomUUID().toString();
                // an endless listing's last page resumes where it began: the same page again
                pageTokens.put(token, new PageToken(call.accountId, call.roomId, more ? last : after));
                body.put("NextToken", token);
            }
            return new Answer(200, null, body);
        }
    }

    private static Map<String, Object> roomMembership(RoomCall call, String memberId, Membership membership) {
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("MemberId", memberId);
        member.put("MemberType", "User");
        member.put("AccountId", call.accountId);
        Map<String, Object> roomMembership = new LinkedHashMap<>();
        roomMembership.put("RoomId", call.roomId);
        roomMembership.put("Member", member);
        roomMembership.put("Role", membership.role());
        roomMembership.put("UpdatedTimestamp",
                DateTimeFormatter.ISO_INSTANT.format(membership.roleSince().truncatedTo(ChronoUnit.MILLIS)));
        return roomMembership;
    }

    /**
     * A membership without its Member, and one whose Member has no MemberId: every field is optional. Both are
     * Administrators, so that a client reading only the administrators meets them too.
     */
    private static List<Map<String, Object>> memberlessEntries(RoomCall call) {
        Map<String, Object> withoutMember = new LinkedHashMap<>();
        withoutMember.put("RoomId", call.roomId);
        withoutMember.put("Role", "Administrator");
        Map<String, Object> withoutId = new LinkedHashMap<>(withoutMember);
        withoutId.put("Member", Map.of("MemberType", "User", "AccountId", call.accountId));
        return List.of(withoutMember, withoutId);
    }

    // ---------------------------------------------------------------- UpdateRoomMembership

    /** Sets the member's role (an absent Role keeps it) and answers the membership; the role's time moves on a change. */
    private Answer updateRoomMembership(RoomCall call) {
        String role;
        try {
            role = strictRole(call.request);
        } catch (Answer.BadRequest e) {
            return e.answer();
        }
        synchronized (lock) {
            Room room = roomLocked(call.accountId, call.roomId);
            if (room == null) {
                return missingLocked(call);
            }
            return core.answerMemberCall(UPDATE_ROOM_MEMBERSHIP, call.memberId, () -> {
                Membership membership = room.members.get(call.memberId);
                if (membership == null) {
                    return absentMember(call);
                }
                Membership updated = membership.withRole(role);
                room.members.put(call.memberId, updated);
                if (updated != membership) {
                    room.noteLocked(call.memberId, new MembershipChange(updated.roleSince(), true, updated.role()));
                }
                return new Answer(200, null, Map.of("RoomMembership", roomMembership(call, call.memberId, updated)));
            });
        }
    }

    /** The body's {@code Role}: null when absent; an empty body is no field at all. */
    private static String strictRole(Request request) throws Answer.BadRequest {
        JsonNode root = request.jsonBody();
        if (root == null) {
            throw new Answer.BadRequest("The request body is not valid JSON.");
        }
        if (root.isMissingNode()) {
            return null;
        }
        if (!root.isObject()) {
            throw new Answer.BadRequest("The request body must be a JSON object.");
        }
        JsonNode role = root.get("Role");
        if (role == null || role.isNull()) {
            return null;
        }
        if (!role.isTextual() || !ROLES.contains(role.textValue())) {
            throw new Answer.BadRequest("1 validation error detected: Value '" + Request.textOrNull(role)
                    + "' at 'role' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[Administrator, Member]");
        }
        return role.textValue();
    }

    /** The Role as sent, for the log; never fails. */
    private static String lenientRole(Request request) {
        JsonNode root = request.jsonBody();
        return root == null || !root.isObject() ? null : Request.textOrNull(root.get("Role"));
    }

    // ---------------------------------------------------------------- DeleteRoomMembership

    /** Removes the member and notes when it left; 204 without a body. */
    private Answer deleteRoomMembership(RoomCall call) {
        synchronized (lock) {
            Room room = roomLocked(call.accountId, call.roomId);
            if (room == null) {
                return missingLocked(call);
            }
            return core.answerMemberCall(DELETE_ROOM_MEMBERSHIP, call.memberId, () -> {
                if (room.members.remove(call.memberId) == null) {
                    return absentMember(call);
                }
                Instant now = Instant.now();
                room.leftAt.put(call.memberId, now);
                room.noteLocked(call.memberId, new MembershipChange(now, false, null));
                return Answer.noContent();
            });
        }
    }

    /** The 404 for a member id that is not in the room (which exists). */
    private static Answer absentMember(RoomCall call) {
        return Answer.notFound("The member " + call.memberId + " is not a member of room " + call.roomId
                + " in account " + call.accountId + ".");
    }
}
