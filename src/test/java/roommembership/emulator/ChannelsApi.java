package roommembership.emulator;

import roommembership.emulator.ChimeEmulator.CredentialScope;
import roommembership.emulator.ChimeEmulator.Fault;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Six operations of the Amazon Chime SDK messaging API ({@code chime-sdk-messaging-2021-05-15}, rest-json, signing
 * name {@code chime}, any region), with their state: AppInstances with their users and bots, and channels with their
 * members and moderators. Reached as {@link ChimeEmulator#channels()}, on the same port as the chat rooms.
 * <ul>
 *   <li>{@code BatchCreateChannelMembership}: {@code POST /channels/{channelArn}/memberships?operation=batch-create},
 *       body {@code {"MemberArns":[...],"Type":"DEFAULT"|"HIDDEN"}}, 200
 *       {@code {"BatchChannelMemberships":{"InvitedBy","Type","Members","ChannelArn"},"Errors":[...]}};</li>
 *   <li>{@code ListChannelMemberships}: {@code GET /channels/{channelArn}/memberships}, query {@code type},
 *       {@code max-results}, {@code next-token}, 200 {@code {"ChannelArn","ChannelMemberships","NextToken"}};</li>
 *   <li>{@code CreateChannelModerator}: {@code POST /channels/{channelArn}/moderators}, body
 *       {@code {"ChannelModeratorArn":...}}, 201 {@code {"ChannelArn","ChannelModerator"}};</li>
 *   <li>{@code ListChannelModerators}: {@code GET /channels/{channelArn}/moderators}, query {@code max-results},
 *       {@code next-token}, 200 {@code {"ChannelArn","ChannelModerators","NextToken"}};</li>
 *   <li>{@code DeleteChannelMembership}: {@code DELETE /channels/{channelArn}/memberships/{memberArn}}, optional query
 *       {@code sub-channel-id}, 204 without a body;</li>
 *   <li>{@code DeleteChannelModerator}: {@code DELETE /channels/{channelArn}/moderators/{channelModeratorArn}}, 204
 *       without a body.</li>
 * </ul>
 * ARNs have the service's forms: an AppInstance {@code arn:aws:chime:<region>:<12 digits>:app-instance/<id>}, and
 * below it {@code .../channel/<id>}, {@code .../user/<id>} and {@code .../bot/<id>}; a channel's AppInstance is its
 * ARN up to {@code /channel/}. Clients percent-encode the ARN label ({@code :} as {@code %3A}, {@code /} as
 * {@code %2F}); it is decoded. The {@code Name} of an {@link #user user} or {@link #bot bot} is its id.
 *
 * <p>Once {@link ChimeEmulator} has recorded, delayed and (maybe) faulted a call, it is answered in this order:
 * <ol>
 *   <li>the {@code Authorization} header must be a SigV4 header for the {@code chime} service, else 401
 *       {@code UnauthorizedClientException}; its credential scope must name the channel ARN's region, else 403 with
 *       {@code x-amzn-ErrorType: InvalidSignatureException} ("Credential should be scoped to a valid region"), as the
 *       service answers a client that signs for another region than the one it calls;</li>
 *   <li>a channel ARN that is not of the channel form, a member ARN of a path that is no {@code ChimeArn}, a missing
 *       {@code x-amz-chime-bearer} header, or a body or query outside the service model answers 400
 *       {@code BadRequestException} (no state change); so does a {@code sub-channel-id}, since no channel here is
 *       elastic;</li>
 *   <li>an unknown channel answers 404 {@code NotFoundException} for {@code BatchCreateChannelMembership}, and 400
 *       {@code BadRequestException} for the five others, whose models declare no {@code NotFoundException};</li>
 *   <li>a bearer that is not a user or bot of the channel's AppInstance answers 403 {@code ForbiddenException}
 *       (there is no finer permission model: any user or bot of the AppInstance may call every operation);</li>
 *   <li>{@code BatchCreateChannelMembership}: each member ARN is then processed: a duplicate within the request
 *       ({@code Conflict}), an armed {@link ChimeEmulator#failMember(String, String, int) member error} (keyed by the
 *       ARN), an ARN that is not a user or bot of the channel's AppInstance ({@code NotFound}), an existing member of
 *       either type ({@code Conflict}), a member beyond the channel's {@link #MAX_MEMBERS_PER_CHANNEL} members
 *       ({@code ResourceLimitExceeded}), else the member is added with the request's type (default
 *       {@code DEFAULT});</li>
 *   <li>{@code ListChannelMemberships}: one page of the members of the asked type ({@code DEFAULT} when absent) in the
 *       order they joined (see {@link #DEFAULT_PAGE_SIZE}); a NextToken not issued for this channel and type is a
 *       400;</li>
 *   <li>{@code CreateChannelModerator}: an armed {@link #failModerator moderator fault}, a moderator ARN that is not a
 *       user or bot of the channel's AppInstance (400 {@code BadRequestException}), an existing moderator (409
 *       {@code ConflictException}), else the moderator is added;</li>
 *   <li>{@code ListChannelModerators}: one page of the moderators in the order they were added; a NextToken not
 *       issued for this channel's moderators is a 400;</li>
 *   <li>{@code DeleteChannelMembership} and {@code DeleteChannelModerator}: an armed
 *       {@link ChimeEmulator#failMemberCall member call fault} for the ARN; then the member (or moderator) is removed
 *       and the time noted, or, when it is not one, nothing changes; both answer 204.</li>
 * </ol>
 * A list page resumes after the place of the last entry it listed, so a member or moderator removed between pages
 * skips no one; one that comes back is at the end. The {@link OddAnswers} switches may then name an {@code Errors}
 * entry's member oddly, begin a page with entries that name no one, or put a NextToken on every page; none of them
 * changes the state.
 *
 * <p><b>A member or moderator who is not in the channel.</b> The models of both deletes declare no
 * {@code NotFoundException} ({@code DeleteChannelMembership}: BadRequest, Conflict, Forbidden, Unauthorized,
 * Throttled, ServiceUnavailable, ServiceFailure; {@code DeleteChannelModerator} the same without Conflict; see
 * https://docs.aws.amazon.com/chime-sdk/latest/APIReference/API_messaging-chime_DeleteChannelMembership.html and
 * .../API_messaging-chime_DeleteChannelModerator.html), while the describe operations of the same two resources do
 * ({@code DescribeChannelMembership}, {@code DescribeChannelModerator}): the service names a missing membership where
 * it reads one, and does not where it deletes one. No page says what a delete of an absent member answers, and no
 * public implementation of this API was found; the nearest maintainers' word is for the meetings API of the same
 * service, "DeleteMeeting functions as designed. The API is idempotent and treats non-existing meetings as 'already
 * ended'" (https://github.com/aws/amazon-chime-sdk-js/issues/895). So an absent member or moderator is the 204 of a
 * delete already done, and an unknown channel is this API's 400 for a channel an operation without
 * {@code NotFoundException} cannot find.
 *
 * <p><b>Members and moderators are two lists.</b> Deleting a membership leaves the moderator as it is, and the other
 * way round: "A non-member who is an {@code AppInstanceAdmin} or {@code ChannelModerator} can perform channel related
 * actions allowed by those two roles" (https://docs.aws.amazon.com/chime-sdk/latest/dg/auth-by-role.html), so a
 * moderator need not be a member. (Elastic channels, which this emulator has none of, differ: "When you promote a
 * regular member to channel moderator, the system removes all existing channel memberships for that member. The same
 * happens when you demote a moderator." https://docs.aws.amazon.com/chime-sdk/latest/dg/manage-elastic-members.html)
 */
public final class ChannelsApi {

    public static final String BATCH_CREATE_CHANNEL_MEMBERSHIP = "BatchCreateChannelMembership";
    public static final String LIST_CHANNEL_MEMBERSHIPS = "ListChannelMemberships";
    public static final String CREATE_CHANNEL_MODERATOR = "CreateChannelModerator";
    public static final String LIST_CHANNEL_MODERATORS = "ListChannelModerators";
    public static final String DELETE_CHANNEL_MEMBERSHIP = "DeleteChannelMembership";
    public static final String DELETE_CHANNEL_MODERATOR = "DeleteChannelModerator";

    /** Upper bound of {@code MemberArns} in the service model (the lower bound is 1). */
    public static final int MAX_MEMBER_ARNS = 100;
    /**
     * Members one channel holds at most, of both types: the service's quota ("Amazon Chime SDK endpoints and quotas",
     * memberships per channel; elastic channels, which this emulator has none of, hold more). A batch add over it
     * answers each member beyond it as an entry {@code ResourceLimitExceeded}.
     */
    public static final int MAX_MEMBERS_PER_CHANNEL = 10_000;
    /** Bounds of {@code MaxResults} ({@code max-results}) in the service model. */
    public static final int MIN_RESULTS = 1;
    public static final int MAX_RESULTS = 50;
    /**
     * Page size of the two lists when {@code max-results} is absent. The service documents no default; this one is
     * small so that a channel of a few members already spans pages and a client ignoring NextToken shows.
     */
    public static final int DEFAULT_PAGE_SIZE = 10;

    /** The values of {@code ChannelMembershipType}. */
    public static final String DEFAULT = "DEFAULT";
    public static final String HIDDEN = "HIDDEN";

    /**
     * One request to this API as received.
     *
     * @param operation     one of the six operation names
     * @param channelArn    decoded channel ARN from the path, null when it is not correctly percent-encoded
     * @param memberArns    the batch's {@code MemberArns} in request order, the single {@code ChannelModeratorArn}, or
     *                      the member or moderator ARN of a delete's path; empty for the list calls (best effort: empty
     *                      when the body is not parseable or the path not decodable)
     * @param type          the membership type as sent (the batch's {@code Type}, or the list's {@code type} query),
     *                      null when absent or for a moderator or delete call
     * @param bearer        the {@code x-amz-chime-bearer} header, null when absent
     * @param status        HTTP status answered; 0 while the call is in flight and for a {@link Fault#CONNECTION_RESET};
     *                      for a {@link Fault#RESET_MID_RESPONSE}, the status of the answer that was cut short
     * @param authorization the {@code Authorization} header, null when absent
     */
    public record ChannelCall(String operation, String channelArn, List<String> memberArns, String type, String bearer,
                              int status, String authorization) {
        public ChannelCall {
            // not List.copyOf: an ARN sent as JSON null is logged as null
            memberArns = Collections.unmodifiableList(new ArrayList<>(memberArns));
        }
    }

    private static final String BEARER_HEADER = "x-amz-chime-bearer";
    /** {@code ChimeArn} of the service model. */
    private static final Pattern CHIME_ARN = Pattern.compile(
            "arn:[a-z0-9.-]{1,63}:[a-z0-9.-]{0,63}:[a-z0-9.-]{0,63}:[a-z0-9.-]{0,63}:[^/].{0,1023}", Pattern.DOTALL);
    private static final int CHIME_ARN_MIN = 5;
    /** {@code SubChannelId} of the service model (length 1 to 128). */
    private static final Pattern SUB_CHANNEL_ID = Pattern.compile("[-_a-zA-Z0-9]*");
    private static final int CHIME_ARN_MAX = 1600;
    /** An AppInstance ARN (group 1, region in group 2), optionally with a resource below it (kind, id). */
    private static final Pattern APP_INSTANCE_ARN = Pattern.compile(
            "(arn:aws:chime:([a-z0-9-]+):\\d{12}:app-instance/[^/]+)(?:/(channel|user|bot)/([^/]+))?");

    /** An ARN read as the AppInstance it belongs to, and what it names below it (null kind: the AppInstance). */
    private record Arn(String appInstanceArn, String region, String kind, String id) {
        /** The parts; null when the ARN is not of one of the four forms. */
        static Arn parse(String arn) {
            if (arn == null) {
                return null;
            }
            Matcher m = APP_INSTANCE_ARN.matcher(arn);
            return m.matches() ? new Arn(m.group(1), m.group(2), m.group(3), m.group(4)) : null;
        }

        boolean isMember() {
            return "user".equals(kind) || "bot".equals(kind);
        }
    }

    private static final class AppInstance {
        /** Its users and bots: ARN to Name. */
        final Map<String, String> identities = new HashMap<>();
    }

    private static final class Channel {
        final String appInstanceArn;
        /** Members by ARN; a LinkedHashMap keeps join order (one back after leaving is at the end). */
        final Map<String, Membership> members = new LinkedHashMap<>();
        /** Moderators by ARN, in the order they were added. */
        final Map<String, Moderator> moderators = new LinkedHashMap<>();
        /** When each member last left, and when each moderator was last removed; kept after a return. */
        final Map<String, Instant> leftAt = new HashMap<>();
        final Map<String, Instant> moderatorRemovedAt = new HashMap<>();
        /** Every join and leave of each member, and every grant and removal of each moderator, in time order. */
        final Map<String, List<MembershipChange>> memberHistory = new HashMap<>();
        final Map<String, List<MembershipChange>> moderatorHistory = new HashMap<>();
        /** The next place in either order: list pages resume after a place, so a removal shifts no one. */
        long nextPlace;

        Channel(String appInstanceArn) {
            this.appInstanceArn = appInstanceArn;
        }

        void join(String memberArn, String type) {
            Membership seeded = members.get(memberArn);
            Instant now = Instant.now();
            members.put(memberArn, new Membership(type, now, seeded != null ? seeded.place() : nextPlace++));
            note(memberHistory, memberArn, new MembershipChange(now, true, null));
        }

        void leave(String memberArn) {
            if (members.remove(memberArn) != null) {
                Instant now = Instant.now();
                leftAt.put(memberArn, now);
                note(memberHistory, memberArn, new MembershipChange(now, false, null));
            }
        }

        void unmoderate(String memberArn) {
            if (moderators.remove(memberArn) != null) {
                Instant now = Instant.now();
                moderatorRemovedAt.put(memberArn, now);
                note(moderatorHistory, memberArn, new MembershipChange(now, false, null));
            }
        }

        private static void note(Map<String, List<MembershipChange>> history, String arn, MembershipChange change) {
            history.computeIfAbsent(arn, a -> new ArrayList<>()).add(change);
        }

        void moderate(String memberArn) {
            Moderator seeded = moderators.get(memberArn);
            Instant now = Instant.now();
            moderators.put(memberArn, new Moderator(now, seeded != null ? seeded.place() : nextPlace++));
            note(moderatorHistory, memberArn, new MembershipChange(now, true, null));
        }
    }

    private record Membership(String type, Instant since, long place) {
    }

    private record Moderator(Instant since, long place) {
    }

    /** Where an issued NextToken resumes: after the place of the last entry of one listing it listed. */
    private record PageToken(String channelArn, String listing, long afterPlace) {
    }

    private final ChimeEmulator core;
    private final Object lock = new Object();
    private final Map<String, AppInstance> appInstances = new HashMap<>();
    private final Map<String, Channel> channels = new HashMap<>();
    /** Issued NextTokens; a token not in here is unknown, so it is rejected rather than guessed at. */
    private final Map<String, PageToken> pageTokens = new HashMap<>();

    /**
     * The rates every call is held to, the published ones unless told otherwise, as the service holds them; null: none,
     * every call is answered however fast they come.
     */
    private volatile MessagingQuotas inForce = MessagingQuotas.published();
    private volatile LongSupplier quotaClock = System::nanoTime;
    private volatile MessagingQuotas.Buckets quotas = new MessagingQuotas.Buckets(inForce, quotaClock);
    /** Calls refused for a quota since quotas were last turned on or the emulator reset. */
    private final AtomicLong throttledAnswers = new AtomicLong();

    ChannelsApi(ChimeEmulator core) {
        this.core = core;
    }

    /**
     * From now on every call is held to these rates, as the service holds it: 429 ThrottledClientException beyond. A
     * reset keeps them in force, with full buckets.
     */
    public ChannelsApi enforceQuotas(MessagingQuotas rates) {
        return enforceQuotas(rates, System::nanoTime);
    }

    /** As {@link #enforceQuotas(MessagingQuotas)}, on a clock the caller moves. */
    ChannelsApi enforceQuotas(MessagingQuotas rates, LongSupplier nanoTime) {
        inForce = rates;
        quotaClock = nanoTime;
        quotas = new MessagingQuotas.Buckets(rates, nanoTime);
        throttledAnswers.set(0);
        return this;
    }

    /** Every call is answered however fast they come, until quotas are enforced again; a reset keeps it so. */
    public ChannelsApi stopEnforcingQuotas() {
        inForce = null;
        quotas = null;
        return this;
    }

    /** The rates in force; empty when none are. */
    public Optional<MessagingQuotas> quotasInForce() {
        return Optional.ofNullable(inForce);
    }

    /**
     * How many calls a quota refused (429 ThrottledClientException) since quotas were last turned on or the emulator
     * reset: every attempt, the client's own retries included; a Throttled fault injected by the emulator's fault
     * methods is not one. Kept after quotas are turned off, so a run can be read once it is over.
     */
    public long throttledAnswers() {
        return throttledAnswers.get();
    }

    // ---------------------------------------------------------------- seeding

    /** Creates the AppInstance if absent. */
    public ChannelsApi appInstance(String appInstanceArn) {
        Arn arn = parse(appInstanceArn, null);
        synchronized (lock) {
            appInstanceLocked(arn);
        }
        return this;
    }

    /** Adds an AppInstanceUser, creating its AppInstance if absent. */
    public ChannelsApi user(String appInstanceUserArn) {
        Arn arn = parse(appInstanceUserArn, "user");
        synchronized (lock) {
            identityLocked(arn, appInstanceUserArn);
        }
        return this;
    }

    /** Adds an AppInstanceBot, creating its AppInstance if absent. */
    public ChannelsApi bot(String appInstanceBotArn) {
        Arn arn = parse(appInstanceBotArn, "bot");
        synchronized (lock) {
            identityLocked(arn, appInstanceBotArn);
        }
        return this;
    }

    /** Creates the channel (and its AppInstance) if absent. */
    public ChannelsApi channel(String channelArn) {
        Arn arn = parse(channelArn, "channel");
        synchronized (lock) {
            channelLocked(arn, channelArn);
        }
        return this;
    }

    /**
     * Makes {@code memberArn} (a user or bot of the channel's AppInstance) a pre-existing member of the channel with
     * {@code type} ({@code DEFAULT} or {@code HIDDEN}; null means {@code DEFAULT}); the AppInstance, the channel and the
     * user or bot are created if absent.
     */
    public ChannelsApi member(String channelArn, String memberArn, String type) {
        String membershipType = type == null ? DEFAULT : type;
        if (!DEFAULT.equals(membershipType) && !HIDDEN.equals(membershipType)) {
            throw new IllegalArgumentException("type must be DEFAULT or HIDDEN: " + type);
        }
        synchronized (lock) {
            seedMemberLocked(channelArn, memberArn).join(memberArn, membershipType);
        }
        return this;
    }

    /**
     * Makes {@code memberArn} (a user or bot of the channel's AppInstance) a pre-existing moderator of the channel;
     * the AppInstance, the channel and the user or bot are created if absent.
     */
    public ChannelsApi moderator(String channelArn, String memberArn) {
        synchronized (lock) {
            seedMemberLocked(channelArn, memberArn).moderate(memberArn);
        }
        return this;
    }

    /**
     * The next {@code times} {@code CreateChannelModerator} calls for {@code memberArn} that pass the whole-call checks
     * answer the error {@code fault} (the moderator is not added), or, for {@link Fault#RESET_MID_RESPONSE}, make the
     * moderator as usual and cut every answer short (so a retry's 409 is lost too); {@link Integer#MAX_VALUE} means
     * always, 0 disarms. The same as {@code failMemberCall(CREATE_CHANNEL_MODERATOR, memberArn, fault, times)}.
     */
    public void failModerator(String memberArn, Fault fault, int times) {
        core.failMemberCall(CREATE_CHANNEL_MODERATOR, memberArn, fault, times);
    }

    /** Forgets every AppInstance, channel and issued NextToken, and the count of throttled answers. */
    void reset() {
        synchronized (lock) {
            appInstances.clear();
            channels.clear();
            pageTokens.clear();
        }
        MessagingQuotas rates = inForce;
        quotas = rates == null ? null : new MessagingQuotas.Buckets(rates, quotaClock);
        throttledAnswers.set(0);
    }

    /** The ARN's parts, checked to be of {@code kind} (null: an AppInstance). */
    private static Arn parse(String arn, String kind) {
        Objects.requireNonNull(arn, "arn");
        Arn parts = Arn.parse(arn);
        if (parts == null || !Objects.equals(parts.kind(), kind)) {
            throw new IllegalArgumentException("not an " + (kind == null ? "AppInstance" : kind) + " ARN: " + arn);
        }
        return parts;
    }

    private AppInstance appInstanceLocked(Arn arn) {
        return appInstances.computeIfAbsent(arn.appInstanceArn(), a -> new AppInstance());
    }

    private void identityLocked(Arn arn, String identityArn) {
        appInstanceLocked(arn).identities.putIfAbsent(identityArn, arn.id());
    }

    private Channel channelLocked(Arn arn, String channelArn) {
        appInstanceLocked(arn);
        return channels.computeIfAbsent(channelArn, c -> new Channel(arn.appInstanceArn()));
    }

    private Channel seedMemberLocked(String channelArn, String memberArn) {
        Arn channel = parse(channelArn, "channel");
        Arn member = Arn.parse(Objects.requireNonNull(memberArn, "memberArn"));
        if (member == null || !member.isMember() || !member.appInstanceArn().equals(channel.appInstanceArn())) {
            throw new IllegalArgumentException("not a user or bot of " + channel.appInstanceArn() + ": " + memberArn);
        }
        identityLocked(member, memberArn);
        return channelLocked(channel, channelArn);
    }

    // ---------------------------------------------------------------- inspection

    /** Snapshot of the channel's members, ARN to type, in the order they joined; empty if there is no such channel. */
    public Map<String, String> members(String channelArn) {
        synchronized (lock) {
            Channel channel = channels.get(channelArn);
            if (channel == null) {
                return Map.of();
            }
            Map<String, String> types = new LinkedHashMap<>();
            channel.members.forEach((arn, membership) -> types.put(arn, membership.type()));
            return Collections.unmodifiableMap(types);
        }
    }

    /** Snapshot of the channel's moderators in the order they were added; empty if there is no such channel. */
    public Set<String> moderators(String channelArn) {
        synchronized (lock) {
            Channel channel = channels.get(channelArn);
            return channel == null
                    ? Set.of()
                    : Collections.unmodifiableSet(new LinkedHashSet<>(channel.moderators.keySet()));
        }
    }

    /** When the member joined the channel (seeded or added by a call); empty if it is not in it. */
    public Optional<Instant> memberSince(String channelArn, String memberArn) {
        synchronized (lock) {
            Channel channel = channels.get(channelArn);
            Membership membership = channel == null ? null : channel.members.get(memberArn);
            return membership == null ? Optional.empty() : Optional.of(membership.since());
        }
    }

    /** When the moderator was added to the channel (seeded or by a call); empty if it is not one of its moderators. */
    public Optional<Instant> moderatorSince(String channelArn, String memberArn) {
        synchronized (lock) {
            Channel channel = channels.get(channelArn);
            Moderator moderator = channel == null ? null : channel.moderators.get(memberArn);
            return moderator == null ? Optional.empty() : Optional.of(moderator.since());
        }
    }

    /**
     * When the member last left the channel by {@code DeleteChannelMembership}; empty if it never left since start or
     * reset. Kept after it comes back: it is back when {@link #memberSince} is later.
     */
    public Optional<Instant> leftAt(String channelArn, String memberArn) {
        synchronized (lock) {
            Channel channel = channels.get(channelArn);
            return channel == null ? Optional.empty() : Optional.ofNullable(channel.leftAt.get(memberArn));
        }
    }

    /**
     * Every join (seeded or by a call) and leave of the member in the channel since start or reset, in time order, at
     * the same instants as {@link #memberSince} and {@link #leftAt}.
     */
    public List<MembershipChange> memberHistory(String channelArn, String memberArn) {
        return history(channelArn, memberArn, false);
    }

    /**
     * Every grant (seeded or by a call) and removal of the member as the channel's moderator since start or reset, in
     * time order, at the same instants as {@link #moderatorSince} and {@link #moderatorRemovedAt}.
     */
    public List<MembershipChange> moderatorHistory(String channelArn, String memberArn) {
        return history(channelArn, memberArn, true);
    }

    private List<MembershipChange> history(String channelArn, String memberArn, boolean moderators) {
        synchronized (lock) {
            Channel channel = channels.get(channelArn);
            if (channel == null) {
                return List.of();
            }
            return List.copyOf((moderators ? channel.moderatorHistory : channel.memberHistory)
                    .getOrDefault(memberArn, List.of()));
        }
    }

    /**
     * When the moderator was last removed by {@code DeleteChannelModerator}; empty if it never was since start or
     * reset. Kept after it is made a moderator again: it is one again when {@link #moderatorSince} is later.
     */
    public Optional<Instant> moderatorRemovedAt(String channelArn, String memberArn) {
        synchronized (lock) {
            Channel channel = channels.get(channelArn);
            return channel == null ? Optional.empty() : Optional.ofNullable(channel.moderatorRemovedAt.get(memberArn));
        }
    }

    /**
     * {@link #failModerator moderator faults} answered since start or reset, by fault; one armed but not yet reached is
     * not counted. The same as {@code memberCallFaultsInjected(CREATE_CHANNEL_MODERATOR)}.
     */
    public Map<Fault, Integer> moderatorFaultsInjected() {
        return core.memberCallFaultsInjected(CREATE_CHANNEL_MODERATOR);
    }

    /** Every request to this API, in arrival order, including faulted and rejected ones. */
    public List<ChannelCall> calls() {
        List<ChannelCall> out = new ArrayList<>();
        for (ChimeEmulator.LoggedCall entry : core.log()) {
            if (entry.call() instanceof ChannelRequest request) {
                out.add(request.recorded(entry));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Every request of {@code operation} (one of this API's six), in arrival order, including faulted and rejected ones. */
    public List<ChannelCall> calls(String operation) {
        Objects.requireNonNull(operation, "operation");
        return calls().stream().filter(call -> call.operation().equals(operation)).toList();
    }

    // ---------------------------------------------------------------- routing

    /** A request to one of the six operations, as read for the log and for its answer. */
    private final class ChannelRequest implements ChimeEmulator.Call {
        final String operation;
        final String channelArn;
        /** The member or moderator ARN of a delete's path; null for the others. */
        final String pathArn;
        final List<String> memberArns;
        final String type;
        final String bearer;
        final Request request;

        ChannelRequest(String operation, String channelArn, String pathArn, Request request) {
            this.operation = operation;
            this.channelArn = channelArn;
            this.pathArn = pathArn;
            this.request = request;
            this.bearer = request.header(BEARER_HEADER);
            JsonNode body = BATCH_CREATE_CHANNEL_MEMBERSHIP.equals(operation) || CREATE_CHANNEL_MODERATOR.equals(operation)
                    ? request.jsonBody() : null;
            this.memberArns = isDelete() ? (pathArn == null ? List.of() : List.of(pathArn)) : lenientArns(body);
            this.type = BATCH_CREATE_CHANNEL_MEMBERSHIP.equals(operation) ? lenientText(body, "Type")
                    : LIST_CHANNEL_MEMBERSHIPS.equals(operation) ? lenientQuery(request, "type")
                    : null;
        }

        boolean isDelete() {
            return DELETE_CHANNEL_MEMBERSHIP.equals(operation) || DELETE_CHANNEL_MODERATOR.equals(operation);
        }

        @Override
        public String operation() {
            return operation;
        }

        @Override
        public Answer checkSignature(CredentialScope scope) {
            if (scope == null || !ChimeEmulator.SIGNING_NAME.equals(scope.service())) {
                return Answer.unauthorized(
                        "The request must be signed with AWS Signature Version 4 for the chime service.");
            }
            Arn channel = Arn.parse(channelArn);
            if (channel != null && !channel.region().equals(scope.region())) {
                return Answer.error(403, "InvalidSignatureException", null,
                        "Credential should be scoped to a valid region, not '" + scope.region() + "'.");
            }
            return null;
        }

        @Override
        public Answer answer() {
            if (channelArn == null || isDelete() && pathArn == null) {
                return Answer.badRequest("The request path is not correctly percent-encoded.");
            }
            Arn channel = Arn.parse(channelArn);
            if (channel == null || !"channel".equals(channel.kind()) || !isChimeArn(channelArn)) {
                return Answer.badRequest("The channel ARN " + channelArn + " is not valid.");
            }
            if (bearer == null) {
                return Answer.badRequest("1 validation error detected: Value null at 'chimeBearer' failed to satisfy "
                        + "constraint: Member must not be null");
            }
            MessagingQuotas.Buckets rates = quotas;
            if (rates != null && !rates.admit(bearer, channelArn, operation)) {
                throttledAnswers.incrementAndGet();
                return Answer.fault(Fault.THROTTLED);
            }
            try {
                if (isDelete() && !isChimeArn(pathArn)) {
                    throw new Answer.BadRequest("1 validation error detected: Value '" + pathArn + "' at '"
                            + (DELETE_CHANNEL_MEMBERSHIP.equals(operation) ? "memberArn" : "channelModeratorArn")
                            + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                            + CHIME_ARN.pattern());
                }
                return switch (operation) {
                    case BATCH_CREATE_CHANNEL_MEMBERSHIP -> batchCreateChannelMembership(this);
                    case LIST_CHANNEL_MEMBERSHIPS -> listChannelMemberships(this);
                    case CREATE_CHANNEL_MODERATOR -> createChannelModerator(this);
                    case DELETE_CHANNEL_MEMBERSHIP -> deleteChannelMembership(this);
                    case DELETE_CHANNEL_MODERATOR -> deleteChannelModerator(this);
                    default -> listChannelModerators(this);
                };
            } catch (Answer.BadRequest e) {
                return e.answer();
            }
        }

        ChannelCall recorded(ChimeEmulator.LoggedCall entry) {
            return new ChannelCall(operation, channelArn, memberArns, type, bearer, entry.status(),
                    entry.authorization());
        }
    }

    /**
     * Matches the six operations' method, path and {@code operation} query; null for any other request. A matching
     * route whose ARN labels are not decodable has null ARNs, and is answered 400.
     */
    ChimeEmulator.Call route(Request request) {
        if (request.rawPath() == null) {
            return null;
        }
        String[] segments = request.rawPath().split("/", -1);
        if (segments.length < 4 || segments.length > 5 || !segments[0].isEmpty() || !"channels".equals(segments[1])) {
            return null;
        }
        String operation = segments.length == 5 ? deleteOperation(request, segments[3]) : operation(request, segments[3]);
        if (operation == null) {
            return null;
        }
        try {
            return new ChannelRequest(operation, Request.percentDecode(segments[2]),
                    segments.length == 5 ? Request.percentDecode(segments[4]) : null, request);
        } catch (IllegalArgumentException e) {
            return new ChannelRequest(operation, null, null, request);
        }
    }

    /** The operation of {@code /channels/{channelArn}/<tail>/{arn}}: one of the two deletes, else null. */
    private static String deleteOperation(Request request, String tail) {
        if (!"DELETE".equals(request.method()) || request.hasQueryParam("operation", null)) {
            return null;
        }
        return switch (tail) {
            case "memberships" -> DELETE_CHANNEL_MEMBERSHIP;
            case "moderators" -> DELETE_CHANNEL_MODERATOR;
            default -> null;
        };
    }

    /** The operation of a request to {@code /channels/{channelArn}/<tail>}; null when it is none of the four. */
    private static String operation(Request request, String tail) {
        boolean post = "POST".equals(request.method());
        boolean get = "GET".equals(request.method());
        // an operation= literal names one of the batch operations, never a list or a single create
        boolean anyOperation = request.hasQueryParam("operation", null);
        if ("memberships".equals(tail)) {
            if (post && request.hasQueryParam("operation", "batch-create")) {
                return BATCH_CREATE_CHANNEL_MEMBERSHIP;
            }
            return get && !anyOperation ? LIST_CHANNEL_MEMBERSHIPS : null;
        }
        if ("moderators".equals(tail) && !anyOperation) {
            return post ? CREATE_CHANNEL_MODERATOR : get ? LIST_CHANNEL_MODERATORS : null;
        }
        return null;
    }

    // ---------------------------------------------------------------- BatchCreateChannelMembership

    private Answer batchCreateChannelMembership(ChannelRequest call) throws Answer.BadRequest {
        JsonNode body = objectBody(call.request);
        List<String> arns = strictMemberArns(body.get("MemberArns"));
        String type = membershipType(body.get("Type"), "type");
        synchronized (lock) {
            Channel channel = channels.get(call.channelArn);
            if (channel == null) {
                return Answer.notFound("The channel " + call.channelArn + " is not found.");
            }
            AppInstance appInstance = appInstances.get(channel.appInstanceArn);
            Answer forbidden = forbiddenBearer(call, appInstance);
            if (forbidden != null) {
                return forbidden;
            }
            List<Map<String, Object>> added = new ArrayList<>();
            List<Map<String, Object>> errors = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (String arn : arns) {
                if (!seen.add(arn)) {
                    errors.add(memberError(arn, "Conflict", "The member " + arn + " appears more than once in the request."));
                    continue;
                }
                String armed = core.takeMemberError(BATCH_CREATE_CHANNEL_MEMBERSHIP, arn);
                if (armed != null) {
                    errors.add(memberError(arn, armed, "Injected " + armed + " error for member " + arn + "."));
                    continue;
                }
                if (!appInstance.identities.containsKey(arn)) {
                    errors.add(memberError(arn, "NotFound",
                            "The member " + arn + " is not a user or bot of " + channel.appInstanceArn + "."));
                    continue;
                }
                if (channel.members.containsKey(arn)) {
                    errors.add(memberError(arn, "Conflict",
                            "The member " + arn + " is already a member of channel " + call.channelArn + "."));
                    continue;
                }
                if (channel.members.size() >= MAX_MEMBERS_PER_CHANNEL) {
                    errors.add(memberError(arn, "ResourceLimitExceeded", "The channel " + call.channelArn
                            + " already has " + MAX_MEMBERS_PER_CHANNEL + " members, its limit."));
                    continue;
                }
                channel.join(arn, type);
                added.add(identity(appInstance, arn));
            }
            Map<String, Object> memberships = new LinkedHashMap<>();
            memberships.put("InvitedBy", identity(appInstance, call.bearer));
            memberships.put("Type", type);
            memberships.put("Members", added);
            memberships.put("ChannelArn", call.channelArn);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("BatchChannelMemberships", memberships);
            answer.put("Errors", errors);
            return new Answer(200, null, answer);
        }
    }

    /** An Errors entry, naming its member as {@link OddAnswers#nameErrorsOf} may have switched it to. */
    private Map<String, Object> memberError(String memberArn, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        String named = core.oddAnswers().errorEntryName(memberArn);
        if (named != null) {
            error.put("MemberArn", named);
        }
        error.put("ErrorCode", code);
        error.put("ErrorMessage", message);
        return error;
    }

    /** {@code MemberArns}, validated against the service model; any violation rejects the whole call. */
    private static List<String> strictMemberArns(JsonNode list) throws Answer.BadRequest {
        if (list == null || list.isNull()) {
            throw new Answer.BadRequest("1 validation error detected: Value null at 'memberArns' failed to satisfy "
                    + "constraint: Member must not be null");
        }
        if (!list.isArray()) {
            throw new Answer.BadRequest("MemberArns must be a list.");
        }
        if (list.size() < 1 || list.size() > MAX_MEMBER_ARNS) {
            throw new Answer.BadRequest("1 validation error detected: Value at 'memberArns' failed to satisfy "
                    + "constraint: Member must have length " + (list.size() < 1
                            ? "greater than or equal to 1"
                            : "less than or equal to " + MAX_MEMBER_ARNS));
        }
        List<String> arns = new ArrayList<>(list.size());
        int index = 0;
        for (JsonNode node : list) {
            index++;
            arns.add(strictArn(node, "memberArns." + index));
        }
        return arns;
    }

    // ---------------------------------------------------------------- ListChannelMemberships

    private Answer listChannelMemberships(ChannelRequest call) throws Answer.BadRequest {
        String rawType = call.request.queryValue("type");
        String type = rawType == null ? DEFAULT : membershipType(rawType, "type");
        int pageSize = call.request.maxResults(DEFAULT_PAGE_SIZE, MIN_RESULTS, MAX_RESULTS);
        String nextToken = call.request.queryValue("next-token");
        synchronized (lock) {
            Channel channel = channelOrBadRequest(call);
            AppInstance appInstance = appInstances.get(channel.appInstanceArn);
            Answer forbidden = forbiddenBearer(call, appInstance);
            if (forbidden != null) {
                return forbidden;
            }
            Map<String, Long> listed = new LinkedHashMap<>();
            channel.members.forEach((arn, membership) -> {
                if (membership.type().equals(type)) {
                    listed.put(arn, membership.place());
                }
            });
            return page(call, "memberships:" + type, listed, nextToken, pageSize, "ChannelMemberships", "Member",
                    appInstance);
        }
    }

    // ---------------------------------------------------------------- CreateChannelModerator

    private Answer createChannelModerator(ChannelRequest call) throws Answer.BadRequest {
        JsonNode body = objectBody(call.request);
        JsonNode moderatorNode = body.get("ChannelModeratorArn");
        if (moderatorNode == null || moderatorNode.isNull()) {
            throw new Answer.BadRequest("1 validation error detected: Value null at 'channelModeratorArn' failed to "
                    + "satisfy constraint: Member must not be null");
        }
        String moderatorArn = strictArn(moderatorNode, "channelModeratorArn");
        synchronized (lock) {
            Channel channel = channelOrBadRequest(call);
            AppInstance appInstance = appInstances.get(channel.appInstanceArn);
            Answer forbidden = forbiddenBearer(call, appInstance);
            if (forbidden != null) {
                return forbidden;
            }
            return core.answerMemberCall(CREATE_CHANNEL_MODERATOR, moderatorArn,
                    () -> moderate(call, channel, appInstance, moderatorArn));
        }
    }

    private static Answer moderate(ChannelRequest call, Channel channel, AppInstance appInstance, String moderatorArn) {
        if (!appInstance.identities.containsKey(moderatorArn)) {
            return Answer.badRequest(
                    "The moderator " + moderatorArn + " is not a user or bot of " + channel.appInstanceArn + ".");
        }
        if (channel.moderators.containsKey(moderatorArn)) {
            return Answer.error(409, "ConflictException", "Conflict",
                    "The member " + moderatorArn + " is already a moderator of channel " + call.channelArn + ".");
        }
        channel.moderate(moderatorArn);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ChannelArn", call.channelArn);
        answer.put("ChannelModerator", identity(appInstance, moderatorArn));
        return new Answer(201, null, answer);
    }

    // ---------------------------------------------------------------- ListChannelModerators

    private Answer listChannelModerators(ChannelRequest call) throws Answer.BadRequest {
        int pageSize = call.request.maxResults(DEFAULT_PAGE_SIZE, MIN_RESULTS, MAX_RESULTS);
        String nextToken = call.request.queryValue("next-token");
        synchronized (lock) {
            Channel channel = channelOrBadRequest(call);
            AppInstance appInstance = appInstances.get(channel.appInstanceArn);
            Answer forbidden = forbiddenBearer(call, appInstance);
            if (forbidden != null) {
                return forbidden;
            }
            Map<String, Long> listed = new LinkedHashMap<>();
            channel.moderators.forEach((arn, moderator) -> listed.put(arn, moderator.place()));
            return page(call, "moderators", listed, nextToken, pageSize, "ChannelModerators", "Moderator", appInstance);
        }
    }

    // ---------------------------------------------------------------- DeleteChannelMembership

    /** Removes the member (its moderator status stays) and notes when it left; 204 also when it was no member. */
    private Answer deleteChannelMembership(ChannelRequest call) throws Answer.BadRequest {
        String subChannelId = call.request.queryValue("sub-channel-id");
        if (subChannelId != null) {
            if (subChannelId.isEmpty() || subChannelId.length() > 128 || !SUB_CHANNEL_ID.matcher(subChannelId).matches()) {
                throw new Answer.BadRequest("1 validation error detected: Value '" + subChannelId + "' at "
                        + "'subChannelId' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                        + SUB_CHANNEL_ID.pattern());
            }
            throw new Answer.BadRequest("The channel " + call.channelArn + " is not an elastic channel, so it has no "
                    + "sub-channel " + subChannelId + ".");
        }
        synchronized (lock) {
            Channel channel = channelOrBadRequest(call);
            Answer forbidden = forbiddenBearer(call, appInstances.get(channel.appInstanceArn));
            if (forbidden != null) {
                return forbidden;
            }
            return core.answerMemberCall(DELETE_CHANNEL_MEMBERSHIP, call.pathArn, () -> {
                channel.leave(call.pathArn);
                return Answer.noContent();
            });
        }
    }

    // ---------------------------------------------------------------- DeleteChannelModerator

    /** Removes the moderator (its membership stays) and notes when; 204 also when it was no moderator. */
    private Answer deleteChannelModerator(ChannelRequest call) throws Answer.BadRequest {
        synchronized (lock) {
            Channel channel = channelOrBadRequest(call);
            Answer forbidden = forbiddenBearer(call, appInstances.get(channel.appInstanceArn));
            if (forbidden != null) {
                return forbidden;
            }
            return core.answerMemberCall(DELETE_CHANNEL_MODERATOR, call.pathArn, () -> {
                channel.unmoderate(call.pathArn);
                return Answer.noContent();
            });
        }
    }

    // ---------------------------------------------------------------- shared checks and shapes

    /** The channel; an unknown one is a 400, for the operations whose model declares no NotFoundException. */
    private Channel channelOrBadRequest(ChannelRequest call) throws Answer.BadRequest {
        Channel channel = channels.get(call.channelArn);
        if (channel == null) {
            throw new Answer.BadRequest("The channel " + call.channelArn + " is not found.");
        }
        return channel;
    }

    /** The 403 for a bearer that is not a user or bot of the channel's AppInstance, else null. */
    private static Answer forbiddenBearer(ChannelRequest call, AppInstance appInstance) {
        return appInstance.identities.containsKey(call.bearer)
                ? null
                : Answer.forbidden("The bearer " + call.bearer + " is not a user or bot of the channel's AppInstance.");
    }

    /**
     * One page of {@code listed} (ARN to place, in order) as {@code {"ChannelArn", <listName>:[{<entryName>:Identity}],
     * "NextToken"}}; NextToken only when ARNs remain after it. A token must have been issued for the same listing.
     */
    private Answer page(ChannelRequest call, String listing, Map<String, Long> listed, String nextToken, int pageSize,
                        String listName, String entryName, AppInstance appInstance) {
        long after = -1;
        if (nextToken != null) {
            PageToken token = pageTokens.get(nextToken);
            // a token issued for another channel or listing would page through the wrong list: as invalid as garbage
            if (token == null || !token.channelArn().equals(call.channelArn) || !token.listing().equals(listing)) {
                return Answer.badRequest("The next token is not valid.");
            }
            after = token.afterPlace();
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        if (core.oddAnswers().takeMemberlessPage(call.operation)) {
            // every field is optional: an entry without its identity, and an identity without its Arn
            entries.add(Map.of());
            entries.add(Map.of(entryName, Map.of("Name", "unnamed")));
        }
        long last = after;
        boolean more = false;
        for (Map.Entry<String, Long> entry : listed.entrySet()) {
            if (entry.getValue() <= after) {
                continue;
            }
            if (entries.size() == pageSize) {
                more = true;
                break;
            }
            entries.add(Map.of(entryName, identity(appInstance, entry.getKey())));
            last = entry.getValue();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ChannelArn", call.channelArn);
        answer.put(listName, entries);
        boolean endless = core.oddAnswers().isEndless(call.operation);
        if (more || endless) {
            String token = UUID.randomUUID().toString();
            // an endless listing's last page resumes where it began: the same page again
            pageTokens.put(token, new PageToken(call.channelArn, listing, more ? last : after));
            answer.put("NextToken", token);
        }
        return new Answer(200, null, answer);
    }

    private static Map<String, Object> identity(AppInstance appInstance, String arn) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("Arn", arn);
        identity.put("Name", appInstance.identities.get(arn));
        return identity;
    }

    // ---------------------------------------------------------------- request reading

    private static JsonNode objectBody(Request request) throws Answer.BadRequest {
        JsonNode root = request.jsonBody();
        if (root == null) {
            throw new Answer.BadRequest("The request body is not valid JSON.");
        }
        if (!root.isObject()) {
            throw new Answer.BadRequest("The request body must be a JSON object.");
        }
        return root;
    }

    private static boolean isChimeArn(String arn) {
        return arn.length() >= CHIME_ARN_MIN && arn.length() <= CHIME_ARN_MAX && CHIME_ARN.matcher(arn).matches();
    }

    /** A {@code ChimeArn} member of the body, as sent. */
    private static String strictArn(JsonNode node, String field) throws Answer.BadRequest {
        if (!node.isTextual() || !isChimeArn(node.textValue())) {
            throw new Answer.BadRequest("1 validation error detected: Value '" + Request.textOrNull(node) + "' at '"
                    + field + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + CHIME_ARN.pattern());
        }
        return node.textValue();
    }

    /** A {@code ChannelMembershipType} from the body; {@code DEFAULT} when absent. */
    private static String membershipType(JsonNode node, String field) throws Answer.BadRequest {
        if (node == null || node.isNull()) {
            return DEFAULT;
        }
        if (!node.isTextual()) {
            return membershipType(node.toString(), field);
        }
        return membershipType(node.textValue(), field);
    }

    private static String membershipType(String value, String field) throws Answer.BadRequest {
        if (!DEFAULT.equals(value) && !HIDDEN.equals(value)) {
            throw new Answer.BadRequest("1 validation error detected: Value '" + value + "' at '" + field
                    + "' failed to satisfy constraint: Member must satisfy enum value set: [DEFAULT, HIDDEN]");
        }
        return value;
    }

    /** The ARNs as sent, for the log (the batch's MemberArns or the moderator's ARN); never fails. */
    private static List<String> lenientArns(JsonNode body) {
        if (body == null || !body.isObject()) {
            return List.of();
        }
        JsonNode list = body.get("MemberArns");
        if (list != null && list.isArray()) {
            List<String> arns = new ArrayList<>(list.size());
            list.forEach(node -> arns.add(Request.textOrNull(node)));
            return Collections.unmodifiableList(arns);
        }
        String moderator = Request.textOrNull(body.get("ChannelModeratorArn"));
        return moderator == null ? List.of() : List.of(moderator);
    }

    private static String lenientText(JsonNode body, String field) {
        return body == null || !body.isObject() ? null : Request.textOrNull(body.get(field));
    }

    private static String lenientQuery(Request request, String name) {
        try {
            return request.queryValue(name);
        } catch (Answer.BadRequest e) {
            return null;
        }
    }
}
