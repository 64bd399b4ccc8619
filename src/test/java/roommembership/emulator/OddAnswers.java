package roommembership.emulator;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The answers a client must survive although no well-behaved call gets them: what the services' models allow but
 * seldom send (an {@code Errors} entry that names its member in another case or not at all, a listing entry without
 * its member, since every response field is optional), what a broken service sends (a NextToken on every page), and
 * what a gateway in front of it sends (any status, headers and body, an HTML error page or a 200 that is not the
 * operation's JSON). Reached as {@link ChimeEmulator#oddAnswers()}; every switch is off after
 * {@link ChimeEmulator#reset()}.
 *
 * <p>Where each applies, in the order of {@link ChimeEmulator}'s steps: a {@link #answerNextCalls raw answer} takes
 * the place of a whole-call fault (state unchanged, nothing checked, as a gateway answers before the service); the
 * other three shape an answer the API gives once its checks pass, and change no state.
 */
public final class OddAnswers {

    /** How an {@code Errors} entry of a batch create names its member. */
    public enum Naming {
        /** {@code MemberId} or {@code MemberArn} in another case: upper case, or lower case if it is all upper. */
        OTHER_CASE,
        /** No {@code MemberId} or {@code MemberArn} field at all. */
        NONE
    }

    /**
     * One HTTP answer exactly as given: status, headers and body (null: none); the emulator adds only its
     * {@code x-amzn-RequestId}.
     */
    public record RawAnswer(int status, Map<String, String> headers, String body) {
        public RawAnswer {
            headers = Map.copyOf(headers);
        }

        /** A body with {@code Content-Type: application/json}, whether or not it is JSON. */
        public static RawAnswer json(int status, String body) {
            return new RawAnswer(status, Map.of("Content-Type", "application/json"), body);
        }

        /** A load balancer's HTML error page, as one in front of a service answers when the service does not. */
        public static RawAnswer gatewayPage(int status, String reason) {
            String title = status + " " + reason;
            return new RawAnswer(status, Map.of("Content-Type", "text/html"), "<html>\r\n<head><title>" + title
                    + "</title></head>\r\n<body>\r\n<center><h1>" + title + "</h1></center>\r\n</body>\r\n</html>\r\n");
        }
    }

    /** The list operations whose answers the listing switches shape. */
    private static final Set<String> LISTINGS = Set.of(RoomsApi.LIST_ROOM_MEMBERSHIPS,
            ChannelsApi.LIST_CHANNEL_MEMBERSHIPS, ChannelsApi.LIST_CHANNEL_MODERATORS);

    private static final class RawBatch {
        final RawAnswer answer;
        int remaining;

        RawBatch(RawAnswer answer, int remaining) {
            this.answer = answer;
            this.remaining = remaining;
        }
    }

    private final Object lock = new Object();
    private final Map<String, Deque<RawBatch>> rawAnswers = new HashMap<>();
    private final Map<String, Naming> namings = new HashMap<>();
    private final Map<String, Integer> memberlessPages = new HashMap<>();
    private final Set<String> endless = new HashSet<>();
    private final Map<String, Integer> rawAnswered = new LinkedHashMap<>();

    OddAnswers() {
    }

    /**
     * The next {@code count} requests of {@code operation} are answered {@code answer}, before any check and with
     * state unchanged; queues after earlier raw answers for the operation, and comes after a queued whole-call fault.
     */
    public void answerNextCalls(String operation, int count, RawAnswer answer) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(answer, "answer");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        synchronized (lock) {
            rawAnswers.computeIfAbsent(operation, o -> new ArrayDeque<>()).addLast(new RawBatch(answer, count));
        }
    }

    /**
     * Every {@code Errors} entry a batch create answers for {@code member} (an armed
     * {@link ChimeEmulator#failMember member error}, or one the state causes) names it as {@code naming} says; null
     * names it as sent again. For a chat room the key is the member id; for a channel, the member's ARN.
     */
    public void nameErrorsOf(String member, Naming naming) {
        Objects.requireNonNull(member, "member");
        synchronized (lock) {
            if (naming == null) {
                namings.remove(member);
            } else {
                namings.put(member, naming);
            }
        }
    }

    /**
     * The next {@code pages} pages of {@code listOperation} ({@code ListRoomMemberships}, {@code ListChannelMemberships}
     * or {@code ListChannelModerators}) begin with two entries that name no one: one without its member structure,
     * and one whose member structure has no id ({@code MemberId}, or {@code Arn}).
     */
    public void memberlessEntries(String listOperation, int pages) {
        checkListing(listOperation);
        if (pages < 1) {
            throw new IllegalArgumentException("pages must be at least 1: " + pages);
        }
        synchronized (lock) {
            memberlessPages.merge(listOperation, pages, Integer::sum);
        }
    }

    /**
     * Every page of {@code listOperation} carries a NextToken, the last one too: a valid token that lists the last
     * page again, so a client that follows NextTokens never ends; until {@link ChimeEmulator#reset()}.
     */
    public void endlessListing(String listOperation) {
        checkListing(listOperation);
        synchronized (lock) {
            endless.add(listOperation);
        }
    }

    /** Raw answers given since start or reset, by operation, in the order first given. */
    public Map<String, Integer> rawAnswered() {
        synchronized (lock) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(rawAnswered));
        }
    }

    // ---------------------------------------------------------------- what the core and the APIs ask

    /** The raw answer queued for a request of {@code operation}, used up; null when none is. */
    RawAnswer takeRawAnswer(String operation) {
        synchronized (lock) {
            Deque<RawBatch> queue = operation == null ? null : rawAnswers.get(operation);
            RawBatch batch = queue == null ? null : queue.peekFirst();
            if (batch == null) {
                return null;
            }
            if (--batch.remaining <= 0) {
                queue.removeFirst();
            }
            rawAnswered.merge(operation, 1, Integer::sum);
            return batch.answer;
        }
    }

    /** The member as an {@code Errors} entry names it; null when the entry is to have no member field. */
    String errorEntryName(String member) {
        Naming naming;
        synchronized (lock) {
            naming = namings.get(member);
        }
        if (naming == null) {
            return member;
        }
        return switch (naming) {
            case NONE -> null;
            case OTHER_CASE -> member.equals(member.toUpperCase(Locale.ROOT))
                    ? member.toLowerCase(Locale.ROOT) : member.toUpperCase(Locale.ROOT);
        };
    }

    /** Whether this page of {@code listOperation} is to begin with the entries that name no one; used up. */
    boolean takeMemberlessPage(String listOperation) {
        synchronized (lock) {
            Integer pages = memberlessPages.get(listOperation);
            if (pages == null) {
                return false;
            }
            if (pages <= 1) {
                memberlessPages.remove(listOperation);
            } else {
                memberlessPages.put(listOperation, pages - 1);
            }
            return true;
        }
    }

    /** Whether every page of {@code listOperation} is to carry a NextToken. */
    boolean isEndless(String listOperation) {
        synchronized (lock) {
            return endless.contains(listOperation);
        }
    }

    void reset() {
        synchronized (lock) {
            rawAnswers.clear();
            namings.clear();
            memberlessPages.clear();
            endless.clear();
            rawAnswered.clear();
        }
    }

    private static void checkListing(String listOperation) {
        if (!LISTINGS.contains(listOperation)) {
            throw new IllegalArgumentException("not a list operation: " + listOperation + "; one of " + LISTINGS);
        }
    }
}
