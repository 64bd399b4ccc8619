package roommembership.pacing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Keeps one container's calls within its share of the rates, as token buckets: one per scope a call draws from (the
 * bearer, a channel's class of calls, the rooms). A call goes when every bucket it draws from has a call free, and
 * takes one from each. A bucket that Chime throttles all the same (other software using the bearer, another
 * container on the channel) halves its rate and grows back to it over ten seconds, so a shared rate converges.
 * <p>
 * The bearer's bucket may borrow for long reads: while this container's calls that may borrow (the pages of a
 * listing after its first) wait on it, its rate grows above the container's share towards the deployment's whole
 * rate, and falls back to the share when they stop waiting. A target is read whole within one invocation (a roster's
 * channel of 10,000 members is 200 pages), while writes may go on in the next; containers that are idle leave their
 * part unused, so one with a large channel to read takes it. Writes and one-page reads never make it borrow, so a
 * wave of adds, or many small channels read at once, keep to the shares as before. When several containers want more
 * than their shares together, Chime throttles them: a throttled bucket falls back to its share (or, below it, halves
 * as above) and borrows nothing for a while, so that busy containers keep to their shares again.
 */
public final class Pacer {
    /** A throttled bucket's rate is cut to this part of what it was... */
    static final double CUT = 0.5;
    /** ...never below this part of its full rate... */
    static final double FLOOR = 0.05;
    /** ...and grows back by this part of its full rate each second. */
    static final double RECOVERY_PER_SECOND = 0.1;
    /** A bucket that may borrow grows above its share, or falls back to it, by this part of the whole rate a second. */
    static final double BORROW_PER_SECOND = 0.05;
    /** A throttled bucket borrows nothing for this long: the others want their shares. */
    static final long BORROW_HOLD_OFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Quotas quotas;
    private final Share share;
    private final LongSupplier nanoTime;
    private final boolean limited;
    private final Map<Scope, Bucket> buckets = new HashMap<>();
    private long handedOverAt;
    private boolean handedOver;
    private long throttledAnswers;

    private Pacer(Quotas quotas, Share share, LongSupplier nanoTime, boolean limited) {
        this.quotas = quotas;
        this.share = share;
        this.nanoTime = nanoTime;
        this.limited = limited;
    }

    public static Pacer of(Quotas quotas, Share share) {
        return of(quotas, share, System::nanoTime);
    }

    static Pacer of(Quotas quotas, Share share, LongSupplier nanoTime) {
        return new Pacer(quotas, share, nanoTime, true);
    }

    /** No limit: for calls that reach no service (priming's canned answers). */
    public static Pacer none() {
        return new Pacer(null, Share.ONE_CONTAINER, System::nanoTime, false);
    }

    /**
     * Waits until every scope has a call free and takes one from each; false, with none taken, when that would be
     * later than {@code maxWait} from now (or the thread is interrupted).
     */
    public boolean acquire(List<Scope> scopes, Duration maxWait) {
        return acquire(scopes, maxWait, false);
    }

    /** As {@link #acquire(List, Duration)}; {@code borrows}: while it waits, the bearer's bucket may borrow. */
    public boolean acquire(List<Scope> scopes, Duration maxWait, boolean borrows) {
        if (!limited) {
            return true;
        }
        long until = nanoTime.getAsLong() + Math.max(0, maxWait.toNanos());
        while (true) {
            long wait = tryTake(scopes, borrows);
            if (wait == 0) {
                return true;
            }
            if (nanoTime.getAsLong() + wait > until) {
                return false;
            }
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
    }

    /** Takes a call from every scope if all have one now (0); otherwise takes none and says how long to wait. */
    synchronized long tryTake(List<Scope> scopes) {
        return tryTake(scopes, false);
    }

    /** As {@link #tryTake(List)}; {@code borrows}: a wait lets the buckets it waits for borrow. */
    synchronized long tryTake(List<Scope> scopes, boolean borrows) {
        long now = nanoTime.getAsLong();
        List<Bucket> drawn = buckets(scopes, now);
        long[] waits = new long[drawn.size()];
        long wait = 0;
        for (int i = 0; i < waits.length; i++) {
            waits[i] = drawn.get(i).waitNanos(now);
            wait = Math.max(wait, waits[i]);
        }
        if (wait == 0) {
            drawn.forEach(Bucket::take);
        } else if (borrows) {
            // Only the buckets the call waits for are wanted: one waiting on a channel's rate wants no more bearer.
            for (int i = 0; i < waits.length; i++) {
                if (waits[i] == wait) {
                    drawn.get(i).wantedUntil(now + wait);
                }
            }
        }
        return wait;
    }

    /** Chime answered a call that drew from these scopes with a throttling error: each slows down. */
    public synchronized void throttled(List<Scope> scopes) {
        throttledAnswers++;
        if (!limited) {
            return;
        }
        long now = nanoTime.getAsLong();
        buckets(scopes, now).forEach(bucket -> bucket.throttled(now));
    }

    /**
     * A new invocation holds its channels from now: another container may have called them until a moment ago, so the
     * first batch add on each waits one interval of the channel's rate from now. Nothing to do when channels are
     * shared anyway.
     */
    public synchronized void handOver() {
        if (!limited || !share.channelsHeldWhole()) {
            return;
        }
        long now = nanoTime.getAsLong();
        handedOver = true;
        handedOverAt = now;
        buckets.forEach((scope, bucket) -> {
            if (scope.kind() == Scope.Kind.CHANNEL_BATCH_ADD) {
                bucket.holdUntil(now + bucket.intervalNanos());
            }
        });
    }

    /**
     * An attempt that drew from these scopes was answered. Chime's bucket of a rate of one call a second holds that
     * one call and counts a call when it arrives, which may be well after it was let go (a cold client's first call
     * spends a while connecting): the next call on such a scope goes no sooner than one interval after this answer,
     * which came after the call arrived.
     */
    public synchronized void answered(List<Scope> scopes) {
        if (!limited) {
            return;
        }
        long now = nanoTime.getAsLong();
        for (Bucket bucket : buckets(scopes, now)) {
            if (bucket.holdsOneCall) {
                bucket.holdUntil(now + bucket.intervalNanos());
            }
        }
    }

    /** Throttled answers seen since the container started. */
    public synchronized long throttledAnswers() {
        return throttledAnswers;
    }

    /** The rate this container keeps to for a scope, per second, now; 0: no limit. */
    public synchronized double ratePerSecond(Scope scope) {
        long now = nanoTime.getAsLong();
        Bucket bucket = limited ? bucket(scope, now) : null;
        if (bucket == null) {
            return 0;
        }
        bucket.refill(now);
        return bucket.rate;
    }

    /** The buckets the scopes draw from; a scope without a limit has none. */
    private List<Bucket> buckets(List<Scope> scopes, long now) {
        List<Bucket> drawn = new ArrayList<>(scopes.size());
        for (Scope scope : scopes) {
            Bucket bucket = bucket(scope, now);
            if (bucket != null) {
                drawn.add(bucket);
            }
        }
        return drawn;
    }

    private Bucket bucket(Scope scope, long now) {
        Bucket known = buckets.get(scope);
        if (known != null) {
            return known;
        }
        double deployment = quotas.perSecond(scope.kind());
        if (deployment == 0) {
            return null;
        }
        double rate = share.of(quotas, scope.kind());
        double ceiling = scope.kind() == Scope.Kind.BEARER ? Math.max(rate, deployment) : rate;
        // A messaging bucket holds one call, so calls go evenly spaced, and the containers' first calls together are
        // no more than Chime's bucket of the bearer's second holds while there are no more containers than that.
        double capacity = scope.kind() == Scope.Kind.ROOMS ? Math.max(1, rate) : 1;
        Bucket bucket = new Bucket(rate, ceiling, capacity, now, deployment <= 1);
        if (handedOver && scope.kind() == Scope.Kind.CHANNEL_BATCH_ADD) {
            bucket.holdUntil(handedOverAt + bucket.intervalNanos());
        }
        buckets.put(scope, bucket);
        return bucket;
    }

    /** A token bucket whose rate can be cut and grows back, and may grow above its share while calls wait on it. */
    private static final class Bucket {
        private final double full;
        /** The most it may borrow up to: the deployment's rate for the bearer, its share otherwise. */
        private final double ceiling;
        private final double capacity;
        /** Whether Chime's bucket of this rate holds a single call (a rate of one a second or less). */
        private final boolean holdsOneCall;
        private double rate;
        private double tokens;
        private long at;
        /** No call before this time. */
        private long notBefore;
        /** Until when a call waits for a token: the time until then counts as wanted, the time after as not. */
        private long wantedUntil;
        /** No borrowing before this time: set when Chime throttles the bucket. */
        private long borrowsFrom;

        Bucket(double full, double ceiling, double capacity, long now, boolean holdsOneCall) {
            this.full = full;
            this.ceiling = ceiling;
            this.capacity = capacity;
            this.holdsOneCall = holdsOneCall;
            this.rate = full;
            this.tokens = capacity;
            this.at = now;
            this.notBefore = now;
        }

        /** No call before this time, nor before any time held already. */
        void holdUntil(long time) {
            notBefore = Math.max(notBefore, time);
        }

        long intervalNanos() {
            return (long) (TimeUnit.SECONDS.toNanos(1) / full);
        }

        void refill(long now) {
            if (now <= at) {
                return;
            }
            double seconds = (now - at) / 1e9;
            if (rate < full) {
                rate = Math.min(full, rate + full * RECOVERY_PER_SECOND * seconds);
            } else {
                double wanted = Math.max(0, (Math.min(now, wantedUntil) - Math.max(at, borrowsFrom)) / 1e9);
                rate = Math.min(ceiling, rate + ceiling * BORROW_PER_SECOND * wanted);
                rate = Math.max(full, rate - ceiling * BORROW_PER_SECOND * (seconds - wanted));
            }
            tokens = Math.min(capacity, tokens + seconds * rate);
            at = now;
        }

        long waitNanos(long now) {
            refill(now);
            long forToken = tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / rate * 1e9);
            return Math.max(forToken, notBefore - now);
        }

        void take() {
            tokens -= 1;
        }

        void wantedUntil(long time) {
            wantedUntil = Math.max(wantedUntil, time);
        }

        void throttled(long now) {
            refill(now);
            rate = rate > full ? full : Math.max(full * FLOOR, rate * CUT);
            tokens = Math.min(tokens, 0);
            borrowsFrom = now + BORROW_HOLD_OFF_NANOS;
        }
    }
}
