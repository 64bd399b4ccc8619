package roommembership.emulator;

import roommembership.testing.LoopbackHttpServer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A protocol-faithful, stateful emulator of two operations of the legacy Amazon Chime chat-room API (rest-json):
 * {@code BatchCreateRoomMembership} ({@code POST /accounts/{accountId}/rooms/{roomId}/memberships?operation=batch-create})
 * and {@code ListRoomMemberships} ({@code GET /accounts/{accountId}/rooms/{roomId}/memberships}, optional query
 * {@code max-results} and {@code next-token}).
 *
 * <p>It listens on {@code 127.0.0.1} on an ephemeral port, serves requests on a multi-threaded executor (so concurrent
 * calls really overlap) and is thread-safe. Every request, whatever its operation (even one that matches none), is
 * handled in this order:
 * <ol>
 *   <li>it is recorded with its operation (see {@link #calls()} and {@link #calls(String)});</li>
 *   <li>the configured {@link #latency(Duration) latency} is applied;</li>
 *   <li>a queued whole-call {@link #failNextCalls(int, Fault) fault}, if any, is consumed: an error fault is answered
 *       (state unchanged), {@link Fault#CONNECTION_RESET} closes the connection before processing, and
 *       {@link Fault#RESET_MID_RESPONSE} lets the steps below run and then cuts their answer short;</li>
 *   <li>the {@code Authorization} header must be a SigV4 header scoped to {@code us-east-1/chime}, else 401;</li>
 *   <li>an unknown method/path answers 404 {@code UnknownOperationException};</li>
 *   <li>a malformed request answers 400 {@code BadRequestException} (whole call, no state change);</li>
 *   <li>an unknown account or room answers 404 {@code NotFoundException};</li>
 *   <li>{@code BatchCreateRoomMembership}: each item is then processed: an armed
 *       {@link #failMember(String, String, int) member fault}, a user unknown to the account ({@code NotFound}), an
 *       existing member or a duplicate within the request ({@code Conflict}), else the member is added with its role
 *       (default {@code Member}); the answer is 201 {@code {"Errors":[...]}};</li>
 *   <li>{@code ListRoomMemberships}: the answer is 200 {@code {"RoomMemberships":[...],"NextToken":...}}, one page of
 *       the room's members in the order they joined (see {@link #DEFAULT_PAGE_SIZE}).</li>
 * </ol>
 * Every response carries an {@code x-amzn-RequestId} header; errors carry {@code x-amzn-ErrorType} and a JSON body
 * {@code {"Code":..., "Message":...}}.
 */
public final class ChimeEmulator implements AutoCloseable {

    /** Upper bound of {@code MembershipItemList} in the service model. */
    public static final int MAX_ITEMS = 50;

    /** Operation name of {@code POST .../memberships?operation=batch-create}, as in {@link RecordedCall#operation()}. */
    public static final String BATCH_CREATE_ROOM_MEMBERSHIP = "BatchCreateRoomMembership";
    /** Operation name of {@code GET .../memberships}, as in {@link RecordedCall#operation()}. */
    public static final String LIST_ROOM_MEMBERSHIPS = "ListRoomMemberships";

    /** Bounds of {@code ResultMax} ({@code max-results}) in the service model. */
    public static final int MIN_RESULTS = 1;
    public static final int MAX_RESULTS = 99;
    /**
     * Page size of {@code ListRoomMemberships} when {@code max-results} is absent. The service documents no default;
     * this one is small so that a room of a few members already spans pages and a client ignoring NextToken shows.
     */
    public static final int DEFAULT_PAGE_SIZE = 10;

    private static final String OPERATION_PATH_TAIL = "memberships";
    private static final String AUTH_PREFIX = "AWS4-HMAC-SHA256 Credential=";
    private static final String CREDENTIAL_SCOPE = "/us-east-1/chime/aws4_request";
    private static final Set<String> ROLES = Set.of("Administrator", "Member");
    private static final String DEFAULT_ROLE = "Member";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * A whole-call fault. An error fault is answered instead of processing the request; the two connection faults
     * differ in whether the request took effect before the client saw its I/O error.
     */
    public enum Fault {
        THROTTLED(429, "ThrottledClientException", "Throttled", "The client exceeded its request rate limit."),
        SERVICE_UNAVAILABLE(503, "ServiceUnavailableException", "ServiceUnavailable", "The service is currently unavailable."),
        SERVICE_FAILURE(500, "ServiceFailureException", "ServiceFailure", "The service encountered an unexpected error."),
        FORBIDDEN(403, "ForbiddenException", "Forbidden", "The client is permanently forbidden from making the request."),
        UNAUTHORIZED(401, "UnauthorizedClientException", "Unauthorized", "The client is not currently authorized to make the request."),
        BAD_REQUEST(400, "BadRequestException", "BadRequest", "The input parameters don't match the service's restrictions."),
        NOT_FOUND(404, "NotFoundException", "NotFound", "One or more of the resources in the request does not exist in the system."),
        /** The connection is closed without any response bytes, before processing: the client sees an I/O error. */
        CONNECTION_RESET(0, null, null, null),
        /**
         * The request is processed normally (state changes apply), then the status line and headers are sent with the
         * full {@code Content-Length} but only half the body before the connection is closed: the client sees an I/O
         * error for a call that took effect.
         */
        RESET_MID_RESPONSE(0, null, null, null);

        private final int httpStatus;
        private final String errorType;
        private final String errorCode;
        private final String message;

        Fault(int httpStatus, String errorType, String errorCode, String message) {
            this.httpStatus = httpStatus;
            this.errorType = errorType;
            this.errorCode = errorCode;
            this.message = message;
        }

        /** HTTP status answered, or 0 for the connection faults (no complete response). */
        public int httpStatus() {
            return httpStatus;
        }

        /** Value of the {@code x-amzn-ErrorType} header (the SDK exception's error code), null for the connection faults. */
        public String errorType() {
            return errorType;
        }

        /** Value of {@code Code} in the error body (an {@code ErrorCode} enum value), null for the connection faults. */
        public String errorCode() {
            return errorCode;
        }
    }

    /**
     * One request as received.
     *
     * @param operation     {@link #BATCH_CREATE_ROOM_MEMBERSHIP} or {@link #LIST_ROOM_MEMBERSHIPS}; null when the
     *                      request matches no operation
     * @param accountId     decoded account id from the path, null when the request matches no operation
     * @param roomId        decoded room id from the path, null when the request matches no operation
     * @param items         the items of the body as sent (best effort: empty when the body is not parseable, and for
     *                      a list call, which has no body)
     * @param status        HTTP status answered; 0 while the call is in flight and for a {@link Fault#CONNECTION_RESET};
     *                      for a {@link Fault#RESET_MID_RESPONSE}, the status of the answer that was cut short
     * @param authorization the {@code Authorization} header, null when absent
     */
    public record RecordedCall(String operation, String accountId, String roomId, List<Item> items, int status,
                               String authorization) {
        public RecordedCall {
            items = List.copyOf(items);
        }

        /** The member ids of {@link #items()}, in request order. */
        public List<String> memberIds() {
            List<String> ids = new ArrayList<>(items.size());
            for (Item item : items) {
                ids.add(item.memberId());
            }
            return Collections.unmodifiableList(ids);
        }
    }

    /** One membership item as sent; {@code role} is null when absent in the request. */
    public record Item(String memberId, String role) {
    }

    // ---------------------------------------------------------------- state (guarded by lock)

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

    private static final class FaultBatch {
        final Fault fault;
        int remaining;

        FaultBatch(Fault fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private static final class ArmedMemberError {
        final String errorCode;
        int remaining;

        ArmedMemberError(String errorCode, int remaining) {
            this.errorCode = errorCode;
            this.remaining = remaining;
        }
    }

    /** A call's log entry; its status is set once the answer is known. */
    private static final class CallEntry {
        final String operation;
        final String accountId;
        final String roomId;
        final List<Item> items;
        final String authorization;
        volatile int status;

        CallEntry(String operation, String accountId, String roomId, List<Item> items, String authorization) {
            this.operation = operation;
            this.accountId = accountId;
            this.roomId = roomId;
            this.items = items;
            this.authorization = authorization;
        }

        RecordedCall snapshot() {
            return new RecordedCall(operation, accountId, roomId, items, status, authorization);
        }
    }

    private final Object lock = new Object();
    private final Map<String, Account> accounts = new HashMap<>();
    private final Deque<FaultBatch> faults = new ArrayDeque<>();
    private final Map<String, ArmedMemberError> memberErrors = new HashMap<>();
    private final List<CallEntry> log = new ArrayList<>();
    /** Issued NextTokens; a token not in here is unknown, so it is rejected rather than guessed at. */
    private final Map<String, PageToken> pageTokens = new HashMap<>();
    private final Map<Fault, Integer> faultsInjected = new EnumMap<>(Fault.class);
    private final Map<String, Integer> memberErrorsInjected = new LinkedHashMap<>();

    private volatile Duration latency = Duration.ZERO;
    /** Replaced on reset: a call still in flight from before a reset neither counts nor changes the new state. */
    private volatile Generation generation = new Generation();

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI endpoint;

    private ChimeEmulator(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Starts an emulator bound to {@code 127.0.0.1} on an ephemeral port. */
    public static ChimeEmulator start() {
        HttpServer server = LoopbackHttpServer.create(64);
        AtomicInteger threadIds = new AtomicInteger();
        ExecutorService executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "chime-emulator-" + threadIds.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        server.setExecutor(executor);
        ChimeEmulator emulator = new ChimeEmulator(server, executor);
        server.createContext("/", emulator::handle);
        server.start();
        return emulator;
    }

    /** Base URI to give to a client's endpoint override, {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- seeding

    /** Creates the account if absent. */
    public ChimeEmulator account(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        synchronized (lock) {
            accountLocked(accountId);
        }
        return this;
    }

    /** Adds a user (or bot) to the account, creating the account if absent. */
    public ChimeEmulator user(String accountId, String userId) {
        Objects.requireNonNull(userId, "userId");
        synchronized (lock) {
            accountLocked(accountId).users.add(userId);
        }
        return this;
    }

    /** Creates the room (and the account) if absent. */
    public ChimeEmulator room(String accountId, String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        synchronized (lock) {
            accountLocked(accountId).rooms.computeIfAbsent(roomId, r -> new LinkedHashMap<>());
        }
        return this;
    }

    /**
     * Makes {@code memberId} a pre-existing member of the room with {@code role} (null means {@code Member});
     * the account, the room and the user are created if absent.
     */
    public ChimeEmulator member(String accountId, String roomId, String memberId, String role) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(memberId, "memberId");
        synchronized (lock) {
            Account account = accountLocked(accountId);
            account.users.add(memberId);
            account.rooms.computeIfAbsent(roomId, r -> new LinkedHashMap<>()).put(memberId, Membership.now(role));
        }
        return this;
    }

    /** When the member joined the room (seeded or added by a call), to the clock's precision; empty if it is not in it. */
    public Optional<Instant> memberSince(String accountId, String roomId, String memberId) {
        synchronized (lock) {
            Account account = accounts.get(accountId);
            Map<String, Membership> room = account == null ? null : account.rooms.get(roomId);
            Membership membership = room == null ? null : room.get(memberId);
            return membership == null ? Optional.empty() : Optional.of(membership.updated());
        }
    }

    /** Snapshot of the room's members, memberId to role, in the order they joined; empty if there is no such room. */
    public Map<String, String> members(String accountId, String roomId) {
        synchronized (lock) {
            Account account = accounts.get(accountId);
            Map<String, Membership> room = account == null ? null : account.rooms.get(roomId);
            if (room == null) {
                return Map.of();
            }
            Map<String, String> roles = new LinkedHashMap<>();
            room.forEach((memberId, membership) -> roles.put(memberId, membership.role()));
            return Collections.unmodifiableMap(roles);
        }
    }

    /**
     * Clears state, issued NextTokens, faults, latency, the call log and the injection counters, and resets
     * {@link #maxConcurrentCalls()}.
     */
    public void reset() {
        synchronized (lock) {
            accounts.clear();
            pageTokens.clear();
            faults.clear();
            memberErrors.clear();
            log.clear();
            faultsInjected.clear();
            memberErrorsInjected.clear();
        }
        latency = Duration.ZERO;
        generation = new Generation();
    }

    private static final class Generation {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
    }

    private Account accountLocked(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        return accounts.computeIfAbsent(accountId, a -> new Account());
    }

    // ---------------------------------------------------------------- faults

    /**
     * The next {@code count} requests get {@code fault}, whatever their operation (a request matching none consumes one
     * too) and whatever their room; queues after earlier faults. An error fault leaves state unchanged; see
     * {@link Fault#CONNECTION_RESET} and {@link Fault#RESET_MID_RESPONSE} for the other two.
     */
    public void failNextCalls(int count, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
        if (count == 0) {
            return;
        }
        synchronized (lock) {
            faults.addLast(new FaultBatch(fault, count));
        }
    }

    /** Every request, whatever its operation, sleeps this long before answering; {@link Duration#ZERO} turns it off. */
    public void latency(Duration perCall) {
        Objects.requireNonNull(perCall, "perCall");
        if (perCall.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + perCall);
        }
        latency = perCall;
    }

    /**
     * The next {@code times} batch-create calls whose items include {@code memberId} answer a per-member error with
     * {@code errorCode} for it (the member is not added); {@link Integer#MAX_VALUE} means always, 0 disarms.
     */
    public void failMember(String memberId, String errorCode, int times) {
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(errorCode, "errorCode");
        if (times < 0) {
            throw new IllegalArgumentException("times must be >= 0: " + times);
        }
        synchronized (lock) {
            if (times == 0) {
                memberErrors.remove(memberId);
            } else {
                memberErrors.put(memberId, new ArmedMemberError(errorCode, times));
            }
        }
    }

    // ---------------------------------------------------------------- log

    /**
     * Every {@code BatchCreateRoomMembership} request received, in arrival order, including faulted and rejected ones;
     * the same as {@code calls(BATCH_CREATE_ROOM_MEMBERSHIP)}.
     */
    public List<RecordedCall> calls() {
        return calls(BATCH_CREATE_ROOM_MEMBERSHIP);
    }

    /**
     * Every request of {@code operation} received, in arrival order, including faulted and rejected ones; null gives
     * the requests that matched no operation.
     */
    public List<RecordedCall> calls(String operation) {
        synchronized (lock) {
            List<RecordedCall> out = new ArrayList<>();
            for (CallEntry entry : log) {
                if (Objects.equals(entry.operation, operation)) {
                    out.add(entry.snapshot());
                }
            }
            return Collections.unmodifiableList(out);
        }
    }

    /** Whole-call faults injected since start or {@link #reset()}, by fault; a fault still queued is not counted. */
    public Map<Fault, Integer> faultsInjected() {
        synchronized (lock) {
            return faultsInjected.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(faultsInjected));
        }
    }

    /**
     * Per-member errors injected by {@link #failMember(String, String, int)} since start or {@link #reset()}, by
     * ErrorCode, in the order first injected; a {@code NotFound} or {@code Conflict} caused by the state is not counted.
     */
    public Map<String, Integer> memberErrorsInjected() {
        synchronized (lock) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(memberErrorsInjected));
        }
    }

    /** Highest number of requests in flight at once since start or {@link #reset()}. */
    public int maxConcurrentCalls() {
        return generation.maxInFlight.get();
    }

    // ---------------------------------------------------------------- HTTP

    private record Route(String operation, String accountId, String roomId) {
    }

    private record Answer(int status, String errorType, Object body) {
        static Answer error(int status, String errorType, String code, String message) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("Code", code);
            body.put("Message", message);
            return new Answer(status, errorType, body);
        }

        static Answer fault(Fault fault) {
            return error(fault.httpStatus, fault.errorType, fault.errorCode, fault.message);
        }

        static Answer badRequest(String message) {
            return error(400, "BadRequestException", "BadRequest", message);
        }

        static Answer notFound(String message) {
            return error(404, "NotFoundException", "NotFound", message);
        }
    }

    /** Thrown by validation: the whole call is a 400. */
    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Generation current = generation;
        int now = current.inFlight.incrementAndGet();
        current.maxInFlight.accumulateAndGet(now, Math::max);
        CallEntry entry = null;
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String method = exchange.getRequestMethod();
            URI uri = exchange.getRequestURI();
            Route route = route(method, uri.getRawPath(), uri.getRawQuery());

            entry = new CallEntry(route == null ? null : route.operation, route == null ? null : route.accountId,
                    route == null ? null : route.roomId, lenientItems(body), authorization);
            synchronized (lock) {
                log.add(entry);
            }

            Duration delay = latency;
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
            }
            if (current != generation) {
                exchange.close();
                return;
            }

            Fault fault = nextFault();
            if (fault == Fault.CONNECTION_RESET) {
                entry.status = 0;
                // Without sendResponseHeaders the exchange's response stream was never set up, so
                // HttpExchange.close() closes the underlying socket: the client reads EOF before any status line.
                exchange.close();
                return;
            }

            boolean cut = fault == Fault.RESET_MID_RESPONSE;
            Answer answer = fault != null && !cut
                    ? Answer.fault(fault)
                    : process(authorization, method, uri, route, body);
            entry.status = answer.status;
            if (cut) {
                sendCutShort(exchange, answer);
            } else {
                send(exchange, answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (RuntimeException | IOException e) {
            if (entry != null && entry.status == 0) {
                entry.status = 500;
            }
            try {
                send(exchange, Answer.error(500, "ServiceFailureException", "ServiceFailure",
                        "The emulator failed: " + e));
            } catch (IOException | RuntimeException ignored) {
                exchange.close();
            }
        } finally {
            current.inFlight.decrementAndGet();
        }
    }

    private Fault nextFault() {
        synchronized (lock) {
            FaultBatch batch = faults.peekFirst();
            if (batch == null) {
                return null;
            }
            if (--batch.remaining <= 0) {
                faults.removeFirst();
            }
            faultsInjected.merge(batch.fault, 1, Integer::sum);
            return batch.fault;
        }
    }

    private Answer process(String authorization, String method, URI uri, Route route, byte[] body) {
        if (!authorized(authorization)) {
            return Answer.error(401, "UnauthorizedClientException", "Unauthorized",
                    "The request must be signed with AWS Signature Version 4 for the us-east-1 chime service.");
        }
        if (route == null) {
            return Answer.error(404, "UnknownOperationException", "NotFound",
                    "No operation matches " + method + " " + uri.getRawPath()
                            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        }
        if (route.accountId == null || route.roomId == null) {
            return Answer.badRequest("The request path is not correctly percent-encoded.");
        }
        return LIST_ROOM_MEMBERSHIPS.equals(route.operation)
                ? listRoomMemberships(route, uri.getRawQuery())
                : batchCreateRoomMembership(route, body);
    }

    private Answer batchCreateRoomMembership(Route route, byte[] body) {
        List<Item> items;
        try {
            items = strictItems(body);
        } catch (BadRequest e) {
            return Answer.badRequest(e.getMessage());
        }
        synchronized (lock) {
            Map<String, Membership> room = roomLocked(route);
            if (room == null) {
                return missingLocked(route);
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
                ArmedMemberError armed = memberErrors.get(memberId);
                if (armed != null) {
                    if (armed.remaining != Integer.MAX_VALUE && --armed.remaining <= 0) {
                        memberErrors.remove(memberId);
                    }
                    memberErrorsInjected.merge(armed.errorCode, 1, Integer::sum);
                    errors.add(memberError(memberId, armed.errorCode,
                            "Injected " + armed.errorCode + " error for member " + memberId + "."));
                    continue;
                }
                if (!accounts.get(route.accountId).users.contains(memberId)) {
                    errors.add(memberError(memberId, "NotFound",
                            "The member " + memberId + " is not found in account " + route.accountId + "."));
                    continue;
                }
                if (room.containsKey(memberId)) {
                    errors.add(memberError(memberId, "Conflict",
                            "The member " + memberId + " is already a member of room " + route.roomId + "."));
                    continue;
                }
                room.put(memberId, Membership.now(item.role()));
            }
            return new Answer(201, null, Map.of("Errors", errors));
        }
    }

    private static Answer roomNotFound(Route route) {
        return Answer.notFound("The room " + route.roomId + " is not found in account " + route.accountId + ".");
    }

    /** One page of the room's members in join order; NextToken only when members remain after it. */
    private Answer listRoomMemberships(Route route, String rawQuery) {
        int pageSize;
        String nextToken;
        try {
            pageSize = maxResults(queryValue(rawQuery, "max-results"));
            nextToken = queryValue(rawQuery, "next-token");
        } catch (BadRequest e) {
            return Answer.badRequest(e.getMessage());
        }
        synchronized (lock) {
            int offset = 0;
            if (nextToken != null) {
                PageToken token = pageTokens.get(nextToken);
                // a token issued for another room would page through the wrong list, so it is as invalid as garbage
                if (token == null || !token.accountId.equals(route.accountId) || !token.roomId.equals(route.roomId)) {
                    return Answer.badRequest("The next token is not valid.");
                }
                offset = token.offset;
            }
            Map<String, Membership> room = roomLocked(route);
            if (room == null) {
                return missingLocked(route);
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
                page.add(roomMembership(route, member.getKey(), member.getValue()));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("RoomMemberships", page);
            int next = offset + page.size();
            if (next < room.size()) {
                String token = UUID.randomUUID().toString();
                pageTokens.put(token, new PageToken(route.accountId, route.roomId, next));
                body.put("NextToken", token);
            }
            return new Answer(200, null, body);
        }
    }

    private static Map<String, Object> roomMembership(Route route, String memberId, Membership membership) {
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("MemberId", memberId);
        member.put("MemberType", "User");
        member.put("AccountId", route.accountId);
        Map<String, Object> roomMembership = new LinkedHashMap<>();
        roomMembership.put("RoomId", route.roomId);
        roomMembership.put("Member", member);
        roomMembership.put("Role", membership.role());
        roomMembership.put("UpdatedTimestamp", DateTimeFormatter.ISO_INSTANT.format(membership.updated().truncatedTo(ChronoUnit.MILLIS)));
        return roomMembership;
    }

    /** {@code max-results} as an integer within {@code ResultMax}; {@link #DEFAULT_PAGE_SIZE} when absent. */
    private static int maxResults(String raw) throws BadRequest {
        if (raw == null) {
            return DEFAULT_PAGE_SIZE;
        }
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new BadRequest("The value '" + raw + "' of max-results is not an integer.");
        }
        if (value < MIN_RESULTS || value > MAX_RESULTS) {
            throw new BadRequest("1 validation error detected: Value '" + value + "' at 'maxResults' failed to satisfy "
                    + "constraint: Member must have value " + (value < MIN_RESULTS
                            ? "greater than or equal to " + MIN_RESULTS
                            : "less than or equal to " + MAX_RESULTS));
        }
        return value;
    }

    /** The room the route names; null when the account or the room does not exist. */
    private Map<String, Membership> roomLocked(Route route) {
        Account account = accounts.get(route.accountId);
        return account == null ? null : account.rooms.get(route.roomId);
    }

    /** The 404 for a route whose room {@link #roomLocked} did not find: the account first, then the room. */
    private Answer missingLocked(Route route) {
        return accounts.containsKey(route.accountId)
                ? roomNotFound(route)
                : Answer.notFound("The account " + route.accountId + " is not found.");
    }

    private static Map<String, Object> memberError(String memberId, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("MemberId", memberId);
        error.put("ErrorCode", code);
        error.put("ErrorMessage", message);
        return error;
    }

    private static boolean authorized(String authorization) {
        if (authorization == null || !authorization.startsWith(AUTH_PREFIX)) {
            return false;
        }
        String rest = authorization.substring(AUTH_PREFIX.length());
        int comma = rest.indexOf(',');
        String credential = (comma < 0 ? rest : rest.substring(0, comma)).trim();
        return credential.contains(CREDENTIAL_SCOPE);
    }

    /**
     * Matches {@code POST /accounts/{accountId}/rooms/{roomId}/memberships?operation=batch-create} and
     * {@code GET /accounts/{accountId}/rooms/{roomId}/memberships}; null when it is neither. A matching route whose
     * labels are not decodable has null ids.
     */
    private static Route route(String method, String rawPath, String rawQuery) {
        String operation;
        if ("POST".equals(method) && hasQueryParam(rawQuery, "operation", "batch-create")) {
            operation = BATCH_CREATE_ROOM_MEMBERSHIP;
        } else if ("GET".equals(method) && !hasQueryParam(rawQuery, "operation", null)) {
            // an operation= literal belongs to the batch operations of this path, never to the list
            operation = LIST_ROOM_MEMBERSHIPS;
        } else {
            return null;
        }
        if (rawPath == null) {
            return null;
        }
        String[] segments = rawPath.split("/", -1);
        if (segments.length != 6 || !segments[0].isEmpty() || !"accounts".equals(segments[1])
                || !"rooms".equals(segments[3]) || !OPERATION_PATH_TAIL.equals(segments[5])) {
            return null;
        }
        try {
            return new Route(operation, percentDecode(segments[2]), percentDecode(segments[4]));
        } catch (IllegalArgumentException e) {
            return new Route(operation, null, null);
        }
    }

    /** Whether the query has {@code name} with {@code value}, or with any value when {@code value} is null. */
    private static boolean hasQueryParam(String rawQuery, String name, String value) {
        if (rawQuery == null) {
            return false;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String val = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                if (name.equals(percentDecode(key)) && (value == null || value.equals(percentDecode(val)))) {
                    return true;
                }
            } catch (IllegalArgumentException ignored) {
                // a malformed pair is not the one we look for
            }
        }
        return false;
    }

    /** The decoded value of the first {@code name} parameter, null when absent; an undecodable value is a bad request. */
    private static String queryValue(String rawQuery, String name) throws BadRequest {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            try {
                if (!name.equals(percentDecode(key))) {
                    continue;
                }
            } catch (IllegalArgumentException e) {
                continue; // a malformed key is not the one we look for
            }
            try {
                return percentDecode(eq < 0 ? "" : pair.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("The value of " + name + " is not correctly percent-encoded.");
            }
        }
        return null;
    }

    /** RFC 3986 percent-decoding as UTF-8; unlike {@code URLDecoder}, {@code +} stays a plus. */
    static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("truncated escape in " + raw);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape in " + raw);
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The items as sent, for the log; never fails. */
    private static List<Item> lenientItems(byte[] body) {
        try {
            JsonNode list = JSON.readTree(body).get("MembershipItemList");
            if (list == null || !list.isArray()) {
                return List.of();
            }
            List<Item> items = new ArrayList<>(list.size());
            for (JsonNode node : list) {
                items.add(new Item(textOrNull(node.get("MemberId")), textOrNull(node.get("Role"))));
            }
            return items;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static String textOrNull(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isTextual() ? node.textValue() : node.toString();
    }

    /** The items, validated against the service model; any violation rejects the whole call. */
    private static List<Item> strictItems(byte[] body) throws BadRequest {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new BadRequest("The request body is not valid JSON.");
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new BadRequest("The request body must be a JSON object.");
        }
        JsonNode list = root.get("MembershipItemList");
        if (list == null || list.isNull()) {
            throw new BadRequest("1 validation error detected: Value null at 'membershipItemList' failed to satisfy "
                    + "constraint: Member must not be null");
        }
        if (!list.isArray()) {
            throw new BadRequest("MembershipItemList must be a list.");
        }
        if (list.size() > MAX_ITEMS) {
            throw new BadRequest("1 validation error detected: Value at 'membershipItemList' failed to satisfy "
                    + "constraint: Member must have length less than or equal to " + MAX_ITEMS);
        }
        List<Item> items = new ArrayList<>(list.size());
        int index = 0;
        for (JsonNode node : list) {
            index++;
            if (!node.isObject()) {
                throw new BadRequest("MembershipItemList." + index + " must be a structure.");
            }
            JsonNode memberId = node.get("MemberId");
            if (memberId == null || !memberId.isTextual() || memberId.textValue().isBlank()) {
                throw new BadRequest("1 validation error detected: Value at 'membershipItemList." + index
                        + ".member.memberId' failed to satisfy constraint: Member must satisfy regular expression "
                        + "pattern: .*\\S.*");
            }
            JsonNode role = node.get("Role");
            String roleValue = null;
            if (role != null && !role.isNull()) {
                if (!role.isTextual() || !ROLES.contains(role.textValue())) {
                    throw new BadRequest("1 validation error detected: Value '" + textOrNull(role)
                            + "' at 'membershipItemList." + index + ".member.role' failed to satisfy constraint: "
                            + "Member must satisfy enum value set: [Administrator, Member]");
                }
                roleValue = role.textValue();
            }
            items.add(new Item(memberId.textValue(), roleValue));
        }
        return items;
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        byte[] bytes = sendHeaders(exchange, answer);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    /** Status line and headers with the full Content-Length, then half the body, then the connection is closed. */
    private static void sendCutShort(HttpExchange exchange, Answer answer) throws IOException {
        byte[] bytes = sendHeaders(exchange, answer);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes, 0, bytes.length / 2);
        out.flush();
        // Closing the exchange (not the body stream) while bytes are still owed makes its close of the body stream
        // fail, and on that failure HttpExchange.close() closes the socket instead of waiting for the missing bytes.
        exchange.close();
    }

    /** Sends the status line and headers for the answer; returns the body still to write. */
    private static byte[] sendHeaders(HttpExchange exchange, Answer answer) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(answer.body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (answer.errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", answer.errorType);
        }
        exchange.sendResponseHeaders(answer.status, bytes.length);
        return bytes;
    }
}
