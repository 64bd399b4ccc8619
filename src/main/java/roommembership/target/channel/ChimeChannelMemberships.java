package roommembership.target.channel;

import roommembership.pacing.Pacer;
import roommembership.pacing.Scope;
import roommembership.target.sdk.PacedAttempts;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import java.util.function.Consumer;

import roommembership.target.sdk.ChimeErrors;
import roommembership.target.sdk.Listing;

import roommembership.target.CallResult;
import roommembership.target.ChannelKey;
import roommembership.model.ErrorCodes;
import roommembership.target.MemberError;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.target.Memberships;
import roommembership.model.Role;
import roommembership.target.Roster;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.chimesdkmessaging.model.BadRequestException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ChannelMembershipType;
import software.amazon.awssdk.services.chimesdkmessaging.model.ConflictException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ForbiddenException;
import software.amazon.awssdk.services.chimesdkmessaging.model.Identity;
import software.amazon.awssdk.services.chimesdkmessaging.model.ListChannelMembershipsResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.ListChannelModeratorsResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.NotFoundException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ResourceLimitExceededException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ServiceFailureException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ServiceUnavailableException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ThrottledClientException;
import software.amazon.awssdk.services.chimesdkmessaging.model.UnauthorizedClientException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Chime SDK messaging API behind the memberships port. Every call is made as the one configured AppInstanceUser
 * or AppInstanceBot ({@code x-amz-chime-bearer}), to the endpoint of the channel ARN's region: one client per region,
 * built on first use and kept for the container.
 */
public final class ChimeChannelMemberships implements Memberships<ChannelKey> {
    /** ListChannelMemberships' and ListChannelModerators' largest page. */
    private static final int MAX_PAGE_SIZE = 50;
    /** 2,000 full pages are 100,000 entries of one listing: more than this function's channels are meant to hold. */
    private static final int MAX_PAGES = 2_000;
    private static final Listing MEMBERSHIPS = new Listing("ListChannelMemberships", MAX_PAGES, "channel");
    private static final Listing MODERATORS = new Listing("ListChannelModerators", MAX_PAGES, "channel");

    private final String bearer;
    private final Pacer pacer;
    private final Function<Region, ChimeSdkMessagingClient> clientFor;
    private final Map<Region, ChimeSdkMessagingClient> clients = new ConcurrentHashMap<>();

    /**
     * @param pacer     keeps every call within the bearer's and the channel's rates
     * @param clientFor builds the client of a region; called once per region
     */
    public ChimeChannelMemberships(String bearer, Pacer pacer, Function<Region, ChimeSdkMessagingClient> clientFor) {
        this.bearer = Objects.requireNonNull(bearer, "bearer");
        this.pacer = Objects.requireNonNull(pacer, "pacer");
        this.clientFor = Objects.requireNonNull(clientFor, "clientFor");
    }

    /** The region's client, built now if it is not yet: so that initialisation, not a first call, pays for it. */
    public ChimeSdkMessagingClient client(Region region) {
        return clients.computeIfAbsent(region, clientFor);
    }

    private ChimeSdkMessagingClient client(ChannelKey channel) {
        return client(Region.of(channel.region()));
    }

    /** Every member of one call has the same type: the plan puts each type in calls of its own. */
    @Override
    public CallResult addMembers(ChannelKey channel, List<Membership> members, Duration timeLimit) {
        ChannelMembershipType type = ChannelMembershipType.fromValue(members.get(0).type().wireName());
        List<String> arns = members.stream().map(Membership::memberId).toList();
        return ERRORS.batch(timeLimit, limit -> ChimeErrors.withBody(client(channel)
                        .batchCreateChannelMembership(request -> request
                                .channelArn(channel.arn())
                                .memberArns(arns)
                                .type(type)
                                .chimeBearer(bearer)
                                .overrideConfiguration(paced(limit, channel, Scope.Kind.CHANNEL_BATCH_ADD)))).errors(),
                error -> new MemberError(error.memberArn(), error.errorCodeAsString(), error.errorMessage()));
    }

    /**
     * Hidden members are listed only when asked for by type, so both types are read. An entry without its member or
     * its Arn names no one: it is skipped and counted.
     */
    @Override
    public Roster members(ChannelKey channel, Duration timeLimit) {
        return MEMBERSHIPS.read(timeLimit, ERRORS, List.of(ChannelMembershipType.DEFAULT, ChannelMembershipType.HIDDEN)
                .stream().map(type -> membershipPages(channel, type)).toList());
    }

    /** ListChannelMemberships lists one type at a time: DEFAULT unless asked for HIDDEN. */
    @Override
    public Roster members(ChannelKey channel, MembershipType type, Duration timeLimit) {
        return MEMBERSHIPS.read(timeLimit, ERRORS, List.of(membershipPages(channel, switch (type) {
            case DEFAULT -> ChannelMembershipType.DEFAULT;
            case HIDDEN -> ChannelMembershipType.HIDDEN;
        })));
    }

    private Listing.PageCall membershipPages(ChannelKey channel, ChannelMembershipType type) {
        return (nextToken, left) -> {
            ListChannelMembershipsResponse page = ChimeErrors.withBody(client(channel)
                    .listChannelMemberships(request -> request
                            .channelArn(channel.arn())
                            .type(type)
                            .maxResults(MAX_PAGE_SIZE)
                            .nextToken(nextToken)
                            .chimeBearer(bearer)
                            .overrideConfiguration(pacedPage(left, channel, nextToken))));
            return new Listing.Page(page.channelMemberships().stream()
                    .map(membership -> membership == null ? null : arnOf(membership.member()))
                    .toList(), page.nextToken());
        };
    }

    /**
     * DeleteChannelMembership succeeds for a member not in the channel, as a delete already done, and refuses a channel
     * it cannot find with BadRequestException (its model declares no NotFoundException).
     */
    @Override
    public CallResult removeMember(ChannelKey channel, String memberArn, Duration timeLimit) {
        return ERRORS.single(timeLimit, limit -> client(channel).deleteChannelMembership(request -> request
                .channelArn(channel.arn())
                .memberArn(memberArn)
                .chimeBearer(bearer)
                .overrideConfiguration(paced(limit, channel, Scope.Kind.CHANNEL_WRITE))));
    }

    /**
     * A channel's administrators are its moderators: one is made with CreateChannelModerator (one who is one already
     * answers ConflictException: it has the role) and unmade with DeleteChannelModerator.
     */
    @Override
    public CallResult setRole(ChannelKey channel, String memberArn, Role role, Duration timeLimit) {
        if (role == Role.MEMBER) {
            return ERRORS.single(timeLimit, limit -> client(channel).deleteChannelModerator(request -> request
                    .channelArn(channel.arn())
                    .channelModeratorArn(memberArn)
                    .chimeBearer(bearer)
                    .overrideConfiguration(paced(limit, channel, Scope.Kind.CHANNEL_WRITE))));
        }
        CallResult made = ERRORS.single(timeLimit, limit -> client(channel).createChannelModerator(request -> request
                .channelArn(channel.arn())
                .channelModeratorArn(memberArn)
                .chimeBearer(bearer)
                .overrideConfiguration(paced(limit, channel, Scope.Kind.CHANNEL_WRITE))));
        return made instanceof CallResult.Failed failed && ErrorCodes.CONFLICT.equals(failed.errorCode())
                ? new CallResult.Answered(List.of(new MemberError(memberArn, ErrorCodes.CONFLICT, failed.message())))
                : made;
    }

    /** An entry without its moderator or the moderator's Arn names no one: it is skipped and counted. */
    @Override
    public Roster administrators(ChannelKey channel, Duration timeLimit) {
        return MODERATORS.read(timeLimit, ERRORS, List.of((nextToken, left) -> {
            ListChannelModeratorsResponse page = ChimeErrors.withBody(client(channel).listChannelModerators(
                    request -> request
                            .channelArn(channel.arn())
                            .maxResults(MAX_PAGE_SIZE)
                            .nextToken(nextToken)
                            .chimeBearer(bearer)
                            .overrideConfiguration(pacedPage(left, channel, nextToken))));
            return new Listing.Page(page.channelModerators().stream()
                    .map(moderator -> moderator == null ? null : arnOf(moderator.moderator()))
                    .toList(), page.nextToken());
        }));
    }

    /** A new invocation holds its channels from now. */
    @Override
    public void handOver() {
        pacer.handOver();
    }

    /** A call on the channel keeps to the bearer's rate and to the channel's for its kind of call. */
    private Consumer<AwsRequestOverrideConfiguration.Builder> paced(Duration timeLimit, ChannelKey channel,
                                                                    Scope.Kind kind) {
        return paced(timeLimit, channel, kind, false);
    }

    /**
     * A page of a listing keeps to the rates of a read; a page after the first may borrow the bearer's rate idle
     * containers leave: the channel is one of many pages, and is read whole within the invocation.
     */
    private Consumer<AwsRequestOverrideConfiguration.Builder> pacedPage(Duration timeLimit, ChannelKey channel,
                                                                        String nextToken) {
        return paced(timeLimit, channel, Scope.Kind.CHANNEL_READ, nextToken != null);
    }

    private Consumer<AwsRequestOverrideConfiguration.Builder> paced(Duration timeLimit, ChannelKey channel,
                                                                    Scope.Kind kind, boolean borrows) {
        return PacedAttempts.paced(timeLimit, pacer, List.of(Scope.bearer(bearer), Scope.channel(kind, channel.arn())),
                borrows);
    }

    private static String arnOf(Identity identity) {
        return identity == null ? null : identity.arn();
    }

    /** The operations' declared errors, by the ErrorCode each stands for. */
    private static final ChimeErrors ERRORS = new ChimeErrors(List.of(
            Map.entry(NotFoundException.class, ErrorCodes.NOT_FOUND),
            Map.entry(BadRequestException.class, ErrorCodes.BAD_REQUEST),
            Map.entry(ForbiddenException.class, ErrorCodes.FORBIDDEN),
            Map.entry(UnauthorizedClientException.class, ErrorCodes.UNAUTHORIZED),
            Map.entry(ThrottledClientException.class, ErrorCodes.THROTTLED),
            Map.entry(ServiceFailureException.class, ErrorCodes.SERVICE_FAILURE),
            Map.entry(ServiceUnavailableException.class, ErrorCodes.SERVICE_UNAVAILABLE),
            Map.entry(ResourceLimitExceededException.class, ErrorCodes.RESOURCE_LIMIT_EXCEEDED),
            Map.entry(ConflictException.class, ErrorCodes.CONFLICT)));
}
