package roommembership.emulator;

import roommembership.testing.LoopbackHttpServer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A protocol-faithful, stateful emulator of Amazon Chime APIs, all served on one loopback port. This class is the
 * core every API shares; each API is a class of its own with its routes, state and answers: {@link RoomsApi} (the
 * legacy chat rooms, whose seeding and inspection methods are this class's own) and {@link ChannelsApi} (the Chime
 * SDK messaging channels, reached as {@link #channels()}).
 *
 * <p>It listens on {@code 127.0.0.1} on an ephemeral port (or on an address given), serves requests on a
 * multi-threaded executor (so concurrent calls really overlap) and is thread-safe. Every request, whatever its operation (even one that matches none), is
 * handled in this order:
 * <ol>
 *   <li>it is routed to the API operation it is, and recorded (see {@link #calls()} and {@link #calls(String)});</li>
 *   <li>the configured {@link #latency(Duration) latency} is applied;</li>
 *   <li>a queued whole-call {@link #failNextCalls(int, Fault) fault}, if any, is consumed: an error fault is answered
 *       (state unchanged), {@link Fault#CONNECTION_RESET} closes the connection before processing, and
 *       {@link Fault#RESET_MID_RESPONSE} lets the steps below run and then cuts their answer short;</li>
 *   <li>without such a fault, a {@link OddAnswers#answerNextCalls raw answer} queued for the operation, if any, is
 *       given as it is (state unchanged);</li>
 *   <li>the {@code Authorization} header must be a SigV4 header whose credential scope the operation accepts (each
 *       API says which; for a request that matches no operation, any region of the {@code chime} service), else 401
 *       {@code UnauthorizedClientException} (or the API's own answer);</li>
 *   <li>a request that matches no operation answers 404 {@code UnknownOperationException};</li>
 *   <li>the API answers the operation; for an operation about one member, once its whole-call checks pass, a
 *       {@link #failMemberCall(String, String, Fault, int) member call fault} armed for that operation and member comes
 *       first.</li>
 * </ol>
 * Every response carries an {@code x-amzn-RequestId} header; errors carry {@code x-amzn-ErrorType} and a JSON body
 * {@code {"Code":..., "Message":...}}.
 */
public final class ChimeEmulator implements AutoCloseable {

    /** Upper bound of {@code MembershipItemList} in the legacy service model. */
    public static final int MAX_ITEMS = RoomsApi.MAX_ITEMS;

    /** Operation name of {@code POST .../memberships?operation=batch-create}, as in {@link RecordedCall#operation()}. */
    public static final String BATCH_CREATE_ROOM_MEMBERSHIP = RoomsApi.BATCH_CREATE_ROOM_MEMBERSHIP;
    /** Operation name of {@code GET .../memberships}, as in {@link RecordedCall#operation()}. */
    public static final String LIST_ROOM_MEMBERSHIPS = RoomsApi.LIST_ROOM_MEMBERSHIPS;
    /** Operation name of {@code POST .../memberships/{memberId}}, as in {@link RecordedCall#operation()}. */
    public static final String UPDATE_ROOM_MEMBERSHIP = RoomsApi.UPDATE_ROOM_MEMBERSHIP;
    /** Operation name of {@code DELETE .../memberships/{memberId}}, as in {@link RecordedCall#operation()}. */
    public static final String DELETE_ROOM_MEMBERSHIP = RoomsApi.DELETE_ROOM_MEMBERSHIP;

    /** Bounds of {@code ResultMax} ({@code max-results}) in the legacy service model. */
    public static final int MIN_RESULTS = RoomsApi.MIN_RESULTS;
    public static final int MAX_RESULTS = RoomsApi.MAX_RESULTS;
    /** Page size of {@code ListRoomMemberships} when {@code max-results} is absent; see {@link RoomsApi}. */
    public static final int DEFAULT_PAGE_SIZE = RoomsApi.DEFAULT_PAGE_SIZE;

    /** The SigV4 signing name of every Chime API served here. */
    static final String SIGNING_NAME = "chime";

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
        /** Declared by the messaging operations, and by the chat-room API's other operations. */
        RESOURCE_LIMIT_EXCEEDED(400, "ResourceLimitExceededException", "ResourceLimitExceeded", "The request exceeds the resource limit."),
        /** The connection is closed without any response bytes, before processing: the client sees an I/O error. */
        CONNECTION_RESET(0, null, null, null),
        /**
         * The request is processed normally (state changes apply), then the status line and headers are sent with the
         * full {@code Content-Length} but only half the body before the connection is closed: the client sees an I/O
         * error for a call that took effect. An answer without a body (a 204) owes no bytes after its headers, so
         * its connection is closed before the status line instead; the JDK's {@code HttpURLConnection} (the SDK's
         * URL-connection client) then sends a request without a body once more by itself, so such a client sees the
         * answer to that second request unless it is cut too.
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

        /** The error body's {@code Message}, null for the connection faults. */
        String message() {
            return message;
        }
    }

    /**
     * One request as received.
     *
     * @param operation     the operation's name (e.g. {@link #BATCH_CREATE_ROOM_MEMBERSHIP}); null when the request
     *                      matches no operation
     * @param accountId     decoded account id from the path of a chat-room operation, else null
     * @param roomId        decoded room id from the path of a chat-room operation, else null
     * @param items         the items of a chat-room batch-create body as sent (best effort: empty when the body is not
     *                      parseable), or the one member of an update (with the Role as sent) or a delete (role
     *                      null); empty for a list call and for any other request
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

    /** One chat-room membership item as sent; {@code role} is null when absent in the request. */
    public record Item(String memberId, String role) {
    }

    // ---------------------------------------------------------------- what an API gives the core

    /**
     * One request as the API it belongs to read it. Each API has a {@code route(Request)} that gives its call for a
     * request of one of its operations (null for any other request), and a {@code reset()} that forgets its state.
     */
    interface Call {
        /** The operation's name; null for a request that matches no operation. */
        String operation();

        /** The answer when the request's signature is not one this operation accepts, else null. */
        Answer checkSignature(CredentialScope scope);

        /** Processes the request, state changes applied, and gives its answer. */
        Answer answer();

        /** How the request shows in {@link #calls(String)}. */
        default RecordedCall recorded(int status, String authorization) {
            return new RecordedCall(operation(), null, null, List.of(), status, authorization);
        }
    }

    /**
     * The credential scope of a SigV4 {@code Authorization} header
     * ({@code AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...}). Signatures are not checked:
     * the scope is what shows which region and service a client signed for.
     */
    record CredentialScope(String region, String service) {
        private static final String PREFIX = "AWS4-HMAC-SHA256 Credential=";

        /** The scope, null when the header is absent or not a SigV4 header. */
        static CredentialScope of(String authorization) {
            if (authorization == null || !authorization.startsWith(PREFIX)) {
                return null;
            }
            String rest = authorization.substring(PREFIX.length());
            int comma = rest.indexOf(',');
            String[] parts = (comma < 0 ? rest : rest.substring(0, comma)).trim().split("/", -1);
            if (parts.length != 5 || !"aws4_request".equals(parts[4])) {
                return null;
            }
            return new CredentialScope(parts[2], parts[3]);
        }

        boolean isFor(String region, String service) {
            return this.region.equals(region) && this.service.equals(service);
        }
    }

    /** A request no API claims: answered 404 once its signature passes. */
    private static final class Unmatched implements Call {
        private final Request request;

        Unmatched(Request request) {
            this.request = request;
        }

        @Override
        public String operation() {
            return null;
        }

        @Override
        public Answer checkSignature(CredentialScope scope) {
            // any region: the APIs on this port are signed for different ones, and this request names none of them
            return scope != null && SIGNING_NAME.equals(scope.service()) ? null : Answer.unauthorized(
                    "The request must be signed with AWS Signature Version 4 for the chime service.");
        }

        @Override
        public Answer answer() {
            return Answer.error(404, "UnknownOperationException", "NotFound",
                    "No operation matches " + request.describe());
        }
    }

    /** A call's log entry; its status is set once the answer is known. */
    static final class LoggedCall {
        private final Call call;
        private final String authorization;
        private final String requestLine;
        private volatile int status;

        private LoggedCall(Call call, String authorization, String requestLine) {
            this.call = call;
            this.authorization = authorization;
            this.requestLine = requestLine;
        }

        Call call() {
            return call;
        }

        String authorization() {
            return authorization;
        }

        int status() {
            return status;
        }
    }

    // ---------------------------------------------------------------- state

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

    /** Faults armed for one operation's calls about one member, by operation then member. */
    private static final class ArmedFault {
        final Fault fault;
        int remaining;

        ArmedFault(Fault fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private static final class Generation {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
    }

    /** Guards the fault queue, the armed member errors, the log and the counters; an API never waits on it long. */
    private final Object lock = new Object();
    private final Deque<FaultBatch> faults = new ArrayDeque<>();
    /** Faults for the requests of one operation only, by operation; consumed before the shared queue. */
    private final Map<String, Deque<FaultBatch>> operationFaults = new HashMap<>();
    private final Map<String, ArmedMemberError> memberErrors = new HashMap<>();
    private final List<LoggedCall> log = new ArrayList<>();
    private final Map<Fault, Integer> faultsInjected = new EnumMap<>(Fault.class);
    private final Map<String, Integer> memberErrorsInjected = new LinkedHashMap<>();
    /** The same two counts per operation (a request matching none under the key null). */
    private final Map<String, Map<Fault, Integer>> faultsByOperation = new HashMap<>();
    private final Map<String, Map<String, Integer>> memberErrorsByOperation = new HashMap<>();
    private final Map<String, Map<String, ArmedFault>> memberCallFaults = new HashMap<>();
    private final Map<String, Map<Fault, Integer>> memberCallFaultsByOperation = new HashMap<>();

    private volatile Duration latency = Duration.ZERO;
    /** Replaced on reset: a call still in flight from before a reset neither counts nor changes the new state. */
    private volatile Generation generation = new Generation();

    private final OddAnswers oddAnswers = new OddAnswers();
    private final RoomsApi rooms = new RoomsApi(this);
    private final ChannelsApi channels = new ChannelsApi(this);

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI endpoint;

    private ChimeEmulator(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        InetSocketAddress bound = server.getAddress();
        // A server on every interface is reached on loopback from this machine.
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        this.endpoint = URI.create("http://" + host + ":" + bound.getPort());
    }

    /** Starts an emulator bound to {@code 127.0.0.1} on an ephemeral port. */
    public static ChimeEmulator start() {
        return start(LoopbackHttpServer.create(64));
    }

    /**
     * Starts an emulator on the given address and port, e.g. {@code 0.0.0.0:4510} so that a container can reach it;
     * {@link #endpoint()} is then on {@code 127.0.0.1}.
     */
    public static ChimeEmulator start(InetSocketAddress address) {
        return start(LoopbackHttpServer.create(address, 64));
    }

    private static ChimeEmulator start(HttpServer server) {
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

    /** Base URI to give to a client's endpoint override, {@code http://127.0.0.1:PORT} (or the address bound). */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- chat-room seeding and inspection

    /** Creates the account if absent. */
    public ChimeEmulator account(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        rooms.account(accountId);
        return this;
    }

    /** Adds a user (or bot) to the account, creating the account if absent. */
    public ChimeEmulator user(String accountId, String userId) {
        rooms.user(accountId, userId);
        return this;
    }

    /** Creates the room (and the account) if absent. */
    public ChimeEmulator room(String accountId, String roomId) {
        rooms.room(accountId, roomId);
        return this;
    }

    /**
     * Makes {@code memberId} a pre-existing member of the room with {@code role} (null means {@code Member});
     * the account, the room and the user are created if absent.
     */
    public ChimeEmulator member(String accountId, String roomId, String memberId, String role) {
        rooms.member(accountId, roomId, memberId, role);
        return this;
    }

    /**
     * When the member joined the room (seeded or added by a call), to the clock's precision; empty if it is not in it.
     * A member that left and came back joined again.
     */
    public Optional<Instant> memberSince(String accountId, String roomId, String memberId) {
        return rooms.memberSince(accountId, roomId, memberId);
    }

    /** The member's present role in the room; empty if it is not in it. */
    public Optional<String> role(String accountId, String roomId, String memberId) {
        return rooms.role(accountId, roomId, memberId);
    }

    /**
     * When the member's present role was set: on joining, or by the last {@code UpdateRoomMembership} that changed it
     * (one that keeps the role does not move it); its {@code UpdatedTimestamp}. Empty if it is not in the room.
     */
    public Optional<Instant> roleSince(String accountId, String roomId, String memberId) {
        return rooms.roleSince(accountId, roomId, memberId);
    }

    /**
     * When the member last left the room by {@code DeleteRoomMembership}; empty if it never left since start or
     * {@link #reset()}. Kept after it comes back: it is back when {@link #memberSince} is later.
     */
    public Optional<Instant> leftAt(String accountId, String roomId, String memberId) {
        return rooms.leftAt(accountId, roomId, memberId);
    }

    /**
     * Every join (seeded or by a call), change of role and leave of the member in the room since start or
     * {@link #reset()}, in time order, at the same instants as {@link #memberSince}, {@link #roleSince} and
     * {@link #leftAt}; each change gives the role after it.
     */
    public List<MembershipChange> history(String accountId, String roomId, String memberId) {
        return rooms.history(accountId, roomId, memberId);
    }

    /** Snapshot of the room's members, memberId to role, in the order they joined; empty if there is no such room. */
    public Map<String, String> members(String accountId, String roomId) {
        return rooms.members(accountId, roomId);
    }

    // ---------------------------------------------------------------- the messaging API

    /** The Chime SDK messaging channels served on this same port: their seeding, inspection and call log. */
    /** The emulator with the messaging calls held to these rates (by default, the published ones). */
    public ChimeEmulator quotas(MessagingQuotas rates) {
        channels.enforceQuotas(rates);
        return this;
    }

    public ChannelsApi channels() {
        return channels;
    }

    // ---------------------------------------------------------------- both APIs

    /** The switches for answers a client must survive although no well-behaved call gets them. */
    public OddAnswers oddAnswers() {
        return oddAnswers;
    }

    /**
     * Clears every API's state (with its issued NextTokens), faults, latency, the call log and the injection counters,
     * and resets {@link #maxConcurrentCalls()}.
     */
    public void reset() {
        synchronized (lock) {
            faults.clear();
            operationFaults.clear();
            memberErrors.clear();
            log.clear();
            faultsInjected.clear();
            memberErrorsInjected.clear();
            faultsByOperation.clear();
            memberErrorsByOperation.clear();
            memberCallFaults.clear();
            memberCallFaultsByOperation.clear();
        }
        oddAnswers.reset();
        rooms.reset();
        channels.reset();
        latency = Duration.ZERO;
        generation = new Generation();
    }

    // ---------------------------------------------------------------- faults

    /**
     * The next {@code count} requests get {@code fault}, whatever their API and operation (a request matching none
     * consumes one too) and whatever their resource; queues after earlier faults. An error fault leaves state
     * unchanged; see {@link Fault#CONNECTION_RESET} and {@link Fault#RESET_MID_RESPONSE} for the other two.
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

    /**
     * The next {@code count} requests of {@code operation} (of either API) get {@code fault}, as
     * {@link #failNextCalls(int, Fault)} does for any request; queues after earlier faults for the same operation. A
     * request of that operation takes a fault from here before one from the shared queue, so the shared faults
     * then go to later requests; requests of other operations are not affected.
     */
    public void failNextCalls(int count, Fault fault, String operation) {
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(operation, "operation");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
        if (count == 0) {
            return;
        }
        synchronized (lock) {
            operationFaults.computeIfAbsent(operation, o -> new ArrayDeque<>()).addLast(new FaultBatch(fault, count));
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
     * {@code errorCode} for it (the member is not added); {@link Integer#MAX_VALUE} means always, 0 disarms. For a
     * chat room the key is the member id; for a channel, the member's ARN.
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

    /**
     * For a batch of {@code operation} that reaches {@code member}: the ErrorCode armed for it by {@link #failMember},
     * used up and counted, or null when none is armed.
     */
    String takeMemberError(String operation, String member) {
        synchronized (lock) {
            ArmedMemberError armed = memberErrors.get(member);
            if (armed == null) {
                return null;
            }
            if (armed.remaining != Integer.MAX_VALUE && --armed.remaining <= 0) {
                memberErrors.remove(member);
            }
            memberErrorsInjected.merge(armed.errorCode, 1, Integer::sum);
            memberErrorsByOperation.computeIfAbsent(operation, o -> new LinkedHashMap<>())
                    .merge(armed.errorCode, 1, Integer::sum);
            return armed.errorCode;
        }
    }

    /**
     * The next {@code times} calls of {@code operation} about {@code member} that pass the operation's whole-call checks
     * (signature, input, the room or channel, the bearer) answer the error {@code fault} with state unchanged, or, for
     * {@link Fault#RESET_MID_RESPONSE}, are processed as usual and have their answer cut short (so a retry's answer is
     * lost too); {@link Integer#MAX_VALUE} means always, 0 disarms. For the operations about one member:
     * {@code UpdateRoomMembership} and {@code DeleteRoomMembership} (keyed by the member id),
     * {@code CreateChannelModerator}, {@code DeleteChannelModerator} and {@code DeleteChannelMembership} (keyed by
     * the member's ARN). Arming the same operation and member again replaces what was armed.
     */
    public void failMemberCall(String operation, String member, Fault fault, int times) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(fault, "fault");
        if (fault == Fault.CONNECTION_RESET) {
            throw new IllegalArgumentException("a member call fault must be an error fault or RESET_MID_RESPONSE, not "
                    + fault + " (failNextCalls resets a connection before any processing)");
        }
        if (times < 0) {
            throw new IllegalArgumentException("times must be >= 0: " + times);
        }
        synchronized (lock) {
            if (times == 0) {
                Map<String, ArmedFault> armed = memberCallFaults.get(operation);
                if (armed != null) {
                    armed.remove(member);
                }
            } else {
                memberCallFaults.computeIfAbsent(operation, o -> new HashMap<>())
                        .put(member, new ArmedFault(fault, times));
            }
        }
    }

    /**
     * {@link #failMemberCall member call faults} answered to calls of {@code operation} since start or
     * {@link #reset()}, by fault; one armed but not yet reached is not counted.
     */
    public Map<Fault, Integer> memberCallFaultsInjected(String operation) {
        synchronized (lock) {
            Map<Fault, Integer> counts = memberCallFaultsByOperation.get(operation);
            return counts == null ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(counts));
        }
    }

    /**
     * For a call of {@code operation} about {@code member} that passed its whole-call checks: the fault armed for it
     * by {@link #failMemberCall} (used up and counted) answered instead of {@code process}, or {@code process}'s
     * answer, cut short for {@link Fault#RESET_MID_RESPONSE}; {@code process}'s answer when nothing is armed.
     */
    Answer answerMemberCall(String operation, String member, Supplier<Answer> process) {
        Fault armed = takeMemberCallFault(operation, member);
        if (armed != null && armed != Fault.RESET_MID_RESPONSE) {
            return Answer.fault(armed);
        }
        Answer answer = process.get();
        return armed == Fault.RESET_MID_RESPONSE ? answer.cut() : answer;
    }

    private Fault takeMemberCallFault(String operation, String member) {
        synchronized (lock) {
            Map<String, ArmedFault> byMember = memberCallFaults.get(operation);
            ArmedFault armed = byMember == null ? null : byMember.get(member);
            if (armed == null) {
                return null;
            }
            if (armed.remaining != Integer.MAX_VALUE && --armed.remaining <= 0) {
                byMember.remove(member);
            }
            memberCallFaultsByOperation.computeIfAbsent(operation, o -> new EnumMap<>(Fault.class))
                    .merge(armed.fault, 1, Integer::sum);
            return armed.fault;
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
     * the requests that matched no operation of any API. A channel operation's calls show here without ids or items;
     * {@link ChannelsApi#calls(String)} has them in full.
     */
    public List<RecordedCall> calls(String operation) {
        List<RecordedCall> out = new ArrayList<>();
        for (LoggedCall entry : log()) {
            if (Objects.equals(entry.call.operation(), operation)) {
                out.add(entry.call.recorded(entry.status, entry.authorization));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * How many requests of each operation, of either API, were received since start or {@link #reset()}, faulted and
     * rejected ones included, in the order each operation was first called; requests matching no operation are not
     * counted. What a test compares whole to say which calls a run made.
     */
    public Map<String, Integer> callCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (LoggedCall entry : log()) {
            if (entry.call.operation() != null) {
                counts.merge(entry.call.operation(), 1, Integer::sum);
            }
        }
        return Collections.unmodifiableMap(counts);
    }

    /**
     * Every request's method, path and query exactly as received ({@code DELETE /accounts/a/rooms/r/memberships/..}),
     * whatever its operation, in arrival order: what a client put on the wire, before any routing or decoding.
     */
    public List<String> requestLines() {
        List<String> lines = new ArrayList<>();
        for (LoggedCall entry : log()) {
            lines.add(entry.requestLine);
        }
        return Collections.unmodifiableList(lines);
    }

    /** Snapshot of the log in arrival order, for an API's own view of its calls. */
    List<LoggedCall> log() {
        synchronized (lock) {
            return List.copyOf(log);
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

    /** Whole-call faults injected into requests of {@code operation} (null: requests matching none), by fault. */
    public Map<Fault, Integer> faultsInjected(String operation) {
        synchronized (lock) {
            Map<Fault, Integer> counts = faultsByOperation.get(operation);
            return counts == null ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(counts));
        }
    }

    /** Per-member errors injected into batches of {@code operation}, by ErrorCode, in the order first injected. */
    public Map<String, Integer> memberErrorsInjected(String operation) {
        synchronized (lock) {
            Map<String, Integer> counts = memberErrorsByOperation.get(operation);
            return counts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        }
    }

    /** Highest number of requests in flight at once since start or {@link #reset()}. */
    public int maxConcurrentCalls() {
        return generation.maxInFlight.get();
    }

    // ---------------------------------------------------------------- HTTP

    private Call route(Request request) {
        Call call = rooms.route(request);
        if (call == null) {
            call = channels.route(request);
        }
        return call != null ? call : new Unmatched(request);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Generation current = generation;
        int now = current.inFlight.incrementAndGet();
        current.maxInFlight.accumulateAndGet(now, Math::max);
        LoggedCall entry = null;
        try {
            Request request = Request.read(exchange);
            String authorization = request.header("Authorization");
            Call call = route(request);

            entry = new LoggedCall(call, authorization, request.describe());
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

            Fault fault = nextFault(call.operation());
            if (fault == Fault.CONNECTION_RESET) {
                entry.status = 0;
                // Without sendResponseHeaders the exchange's response stream was never set up, so
                // HttpExchange.close() closes the underlying socket: the client reads EOF before any status line.
                exchange.close();
                return;
            }

            OddAnswers.RawAnswer raw = fault == null ? oddAnswers.takeRawAnswer(call.operation()) : null;
            if (raw != null) {
                entry.status = raw.status();
                sendRaw(exchange, raw);
                return;
            }

            boolean cut = fault == Fault.RESET_MID_RESPONSE;
            Answer answer = fault != null && !cut ? Answer.fault(fault) : answer(call, authorization);
            entry.status = answer.status();
            if (cut || answer.cutShort()) {
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

    private static Answer answer(Call call, String authorization) {
        Answer unsigned = call.checkSignature(CredentialScope.of(authorization));
        return unsigned != null ? unsigned : call.answer();
    }

    private Fault nextFault(String operation) {
        synchronized (lock) {
            Deque<FaultBatch> queue = operation == null ? null : operationFaults.get(operation);
            if (queue == null || queue.isEmpty()) {
                queue = faults;
            }
            FaultBatch batch = queue.peekFirst();
            if (batch == null) {
                return null;
            }
            if (--batch.remaining <= 0) {
                queue.removeFirst();
            }
            faultsInjected.merge(batch.fault, 1, Integer::sum);
            faultsByOperation.computeIfAbsent(operation, o -> new EnumMap<>(Fault.class))
                    .merge(batch.fault, 1, Integer::sum);
            return batch.fault;
        }
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        byte[] bytes = sendHeaders(exchange, answer);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    /**
     * Status line and headers with the full Content-Length, then half the body, then the connection is closed; an
     * answer without a body has its connection closed before the status line, as nothing is owed after its headers.
     */
    private static void sendCutShort(HttpExchange exchange, Answer answer) throws IOException {
        if (answer.body() == null) {
            exchange.close();
            return;
        }
        byte[] bytes = sendHeaders(exchange, answer);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes, 0, bytes.length / 2);
        out.flush();
        // Closing the exchange (not the body stream) while bytes are still owed makes its close of the body stream
        // fail, and on that failure HttpExchange.close() closes the socket instead of waiting for the missing bytes.
        exchange.close();
    }

    /** The raw answer's status, headers and body exactly, with the request id every answer carries. */
    private static void sendRaw(HttpExchange exchange, OddAnswers.RawAnswer raw) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        raw.headers().forEach(exchange.getResponseHeaders()::set);
        if (raw.body() == null) {
            exchange.sendResponseHeaders(raw.status(), -1);
            exchange.close();
            return;
        }
        byte[] bytes = raw.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(raw.status(), bytes.length == 0 ? -1 : bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    /** Sends the status line and headers for the answer; returns the body still to write (none: empty). */
    private static byte[] sendHeaders(HttpExchange exchange, Answer answer) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (answer.errorType() != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", answer.errorType());
        }
        if (answer.body() == null) {
            exchange.sendResponseHeaders(answer.status(), -1);
            return new byte[0];
        }
        byte[] bytes = answer.bodyBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        return bytes;
    }
}
