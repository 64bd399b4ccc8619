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
 * Two operations of the legacy Amazon Chime chat-room API (rest-json), with their state: accounts, their users and
 * their rooms.
 * <ul>
 *   <li>{@code BatchCreateRoomMembership}:
 *       {@code POST /accounts/{accountId}/rooms/{roomId}/memberships?operation=batch-create};</li>
 *   <li>{@code ListRoomMemberships}: {@code GET /accounts/{accountId}/rooms/{roomId}/memberships}, optional query
 *       {@code max-results} and {@code next-token}.</li>
 * </ul>
 * Once {@link ChimeEmulator} has recorded, delayed and (maybe) faulted a call, it is answered in this order:
 * <ol>
 *   <li>the {@code Authorization} header must be a SigV4 header scoped to {@code us-east-1/chime}, else 401 (the API is
 *       served from that region only);</li>
 *   <li>a malformed request answers 400 {@code BadRequestException} (whole call, no state change);</li>
 *   <li>an unknown account or room answers 404 {@code NotFoundException};</li>
 *   <li>{@code BatchCreateRoomMembership}: each item is then processed: a duplicate within the request
 *       ({@code Conflict}), an armed {@link ChimeEmulator#failMember(String, String, int) member error}, a user unknown
 *       to the account ({@code NotFound}), an existing member ({@code Conflict}), else the member is added with its
 *       role (default {@code Member}); the answer is 201 {@code {"Errors":[...]}};</li>
 *   <li>{@code ListRoomMemberships}: the answer is 200 {@code {"RoomMemberships":[...],"NextToken":...}}, one page of
 *       the room's members in the order they joined (see {@link #DEFAULT_PAGE_SIZE}).</li>
 * </ol>
 */
final class RoomsApi {

    /** Upper bound of {@code MembershipItemList} in the service model. */
    static final int MAX_ITEMS = 50;

    static final String BATCH_CREATE_ROOM_MEMBERSHIP = "BatchCreateRoomMembership";
    static final String LIST_ROOM_MEMBERSHIPS = "ListRoomMemberships";

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
        /** roomId to its members by memberId; a LinkedHashMap keeps join order, which list pages rely on. */
        final Map<String, Map<String, Membership>> rooms = new LinkedHashMap<>();
    }

    /** A member's role and when it was last set, for {@code UpdatedTimestamp}. */
    private record Membership(String role, Instant updated) {
        static Membership now(String role) {
            return new Membership(role == null ? DEFAULT_ROLE : role, Instant.now());
        }
    }

    /** Where an issued NextToken resumes: members are only ever appended, so an offset never skips or repeats one. */
    private record PageToken(String accountId, String roomId, int offset) {
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
            accountLocked(accountId).rooms.computeIfAbsent(roomId, r -> new LinkedHashMap<>());
        }
    }

    void member(String accountId, String roomId, String memberId, String role) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(memberId, "memberId");
        synchronized (lock) {
            Account account = accountLocked(accountId);
            account.users.add(memberId);
            account.rooms.computeIfAbsent(roomId, r -> new LinkedHashMap<>()).put(memberId, Membership.now(role));
        }
    }

    Optional<Instant> memberSince(String accountId, String roomId, String memberId) {
        synchronized (lock) {
            Map<String, Membership> room = roomLocked(accountId, roomId);
            Membership membership = room == null ? null : room.get(memberId);
            return membership == null ? Optional.empty() : Optional.of(membership.updated());
        }
    }

    Map<String, String> members(String accountId, String roomId) {
        synchronized (lock) {
            Map<String, Membership> room = roomLocked(accountId, roomId);
            if (room == null) {
                return Map.of();
            }
            Map<String, String> roles = new LinkedHashMap<>();
            room.forEach((memberId, membership) -> roles.put(memberId, membership.role()));
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
    private Map<String, Membership> roomLocked(String accountId, String roomId) {
        Account account = accounts.get(accountId);
        return account == null ? null : account.rooms.get(roomId);
    }

    // ---------------------------------------------------------------- routing

    /**
     * A request to one of the two operations; a matching route whose labels are not decodable has null ids, and is
     * answered 400.
     */
    private final class RoomCall implements ChimeEmulator.Call {
        final String operation;
        final String accountId;
        final String roomId;
        /** The items as sent, for the log (empty when the body is not parseable, and for a list call). */
        final List<Item> items;
        final Request request;

        RoomCall(String operation, String accountId, String roomId, Request request) {
            this.operation = operation;
            this.accountId = accountId;
            this.roomId = roomId;
            this.items = lenientItems(request);
            this.request = request;
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
            if (accountId == null || roomId == null) {
                return Answer.badRequest("The request path is not correctly percent-encoded.");
            }
            return LIST_ROOM_MEMBERSHIPS.equals(operation) ? listRoomMemberships(this) : batchCreateRoomMembership(this);
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
     * Matches {@code POST /accounts/{accountId}/rooms/{roomId}/memberships?operation=batch-create} and
     * {@code GET /accounts/{accountId}/rooms/{roomId}/memberships}; null when it is neither.
     */
    ChimeEmulator.Call route(Request request) {
        String operation;
        if ("POST".equals(request.method()) && request.hasQueryParam("operation", "batch-create")) {
            operation = BATCH_CREATE_ROOM_MEMBERSHIP;
        } else if ("GET".equals(request.method()) && !request.hasQueryParam("operation", null)) {
            // an operation= literal belongs to the batch operations of this path, never to the list
            operation = LIST_ROOM_MEMBERSHIPS;
        } else {
            return null;
        }
        if (request.rawPath() == null) {
            return null;
        }
        String[] segments = request.rawPath().split("/", -1);
        if (segments.length != 6 || !segments[0].isEmpty() || !"accounts".equals(segments[1])
                || !"rooms".equals(segments[3]) || !OPERATION_PATH_TAIL.equals(segments[5])) {
            return null;
        }
        try {
            return new RoomCall(operation, Request.percentDecode(segments[2]), Request.percentDecode(segments[4]),
                    request);
        } catch (IllegalArgumentException e) {
            return new RoomCall(operation, null, null, request);
        }
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
            Map<String, Membership> room = roomLocked(call.accountId, call.roomId);
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
                if (room.containsKey(memberId)) {
                    errors.add(memberError(memberId, "Conflict",
                            "The member " + memberId + " is already a member of room " + call.roomId + "."));
                    continue;
                }
                room.put(memberId, Membership.now(item.role()));
            }
            return new Answer(201, null, Map.of("Errors", errors));
        }
    }

    private static Map<String, Object> memberError(String memberId, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("MemberId", memberId);
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
            int offset = 0;
            if (nextToken != null) {
                PageToken token = pageTokens.get(nextToken);
                // a token issued for another room would page through the wrong list, so it is as invalid as garbage
                if (token == null || !token.accountId.equals(call.accountId) || !token.roomId.equals(call.roomId)) {
                    return Answer.badRequest("The next token is not valid.");
                }
                offset = token.offset;
            }
            Map<String, Membership> room = roomLocked(call.accountId, call.roomId);
            if (room == null) {
                return missingLocked(call);
            }
            List<Map<String, Object>> page = new ArrayList<>(Math.min(pageSize, room.size()));
            int index = 0;
            for (Map.Entry<String, Membership> member : room.entrySet()) {
                if (index++ < offset) {
                    continue;
                }
                if (page.size() == pageSize) {
                    break;
                }
                page.add(roomMembership(call, member.getKey(), member.getValue()));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("RoomMemberships", page);
            int next = offset + page.size();
            if (next < room.size()) {
                String token = UUID.randomUUID().toString();
                pageTokens.put(token, new PageToken(call.accountId, call.roomId, next));
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
                DateTimeFormatter.ISO_INSTANT.format(membership.updated().truncatedTo(ChronoUnit.MILLIS)));
        return roomMembership;
    }
}
