package roommembership.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A random organisation and a random stream of membership messages over it, with what each message asks for known
 * independently of the function's parser. The organisation has chat-room accounts and a Chime SDK messaging
 * AppInstance with users, bots and channels; the messages use all four request forms, SNS envelopes, adds and removals,
 * named roles and none, the same members asked for again and the other way in later messages, items that must be
 * rejected, unreadable bodies and FIFO groups. In a routed scenario the function
 * runs with the legacy-routing templates, so legacy requests go to the channels those name.
 */
public record Scenario(List<Account> accounts, Messaging messaging, List<Message> messages, boolean fifo,
                       boolean routed) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ROLES = {"Member", "Administrator"};

    /** The AppInstance this deployment manages (its ALLOWED_APP_INSTANCE_ARNS), and the identity it calls as. */
    public static final String APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/hr-0001";
    public static final String BEARER = APP_INSTANCE + "/user/hr-sync";
    /** An AppInstance Chime has, with channels and users, that the deployment does not manage. */
    public static final String FOREIGN_APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/partner-0001";
    /** The routing of a routed scenario: each room to its own channel, each MemberId to a user of that name. */
    public static final String CHANNEL_ARN_TEMPLATE = APP_INSTANCE + "/channel/{AccountId}.{RoomId}";
    public static final String MEMBER_ARN_TEMPLATE = APP_INSTANCE + "/user/{MemberId}";

    /** Bodies the function cannot read at all: each must become exactly one BadRequest record. */
    private static final String[] UNREADABLE = {
        "this is not JSON",
        "[{\"AccountId\":\"a\",\"RoomId\":\"r\",\"MemberId\":\"u\"}]",
        "42",
        "null",
        "{\"AccountId\":7,\"RoomId\":\"room\",\"MemberId\":\"u\"}",
        "{\"AccountId\":\"a\",\"AccountId\":\"b\",\"RoomId\":\"room\",\"MemberId\":\"u\"}",
        "{\"RoomId\":\"room\",\"MemberId\":\"u\"}",
        "{\"Type\":\"Notification\",\"Message\":\"not JSON either\"}",
        "{\"AccountId\":\"a\",\"RoomId\":\"room\",\"MembershipItemList\":[]}",
        // An Action in any other spelling or JSON type rejects the whole message.
        "{\"AccountId\":\"acct-1\",\"RoomId\":\"room-1-1\",\"MemberId\":\"user-1-1\",\"Action\":\"remove\"}",
        "{\"ChannelArn\":\"" + APP_INSTANCE + "/channel/c-1\",\"MemberArn\":\"" + APP_INSTANCE
                + "/user/staff-1\",\"Action\":\"Delete\"}",
        "{\"AccountId\":\"acct-1\",\"RoomId\":\"room-1-1\",\"MemberId\":\"user-1-1\",\"Action\":true}",
        // Channel bodies: the caller's identity chosen by the body, channel ARNs that are none, no members.
        "{\"ChannelArn\":\"" + APP_INSTANCE + "/channel/c-1\",\"MemberArn\":\"" + APP_INSTANCE
                + "/user/staff-1\",\"ChimeBearer\":\"" + APP_INSTANCE + "/user/staff-1\"}",
        "{\"ChannelArn\":\"" + APP_INSTANCE + "/channel/..%2Fc-1\",\"MemberArns\":[\"" + APP_INSTANCE
                + "/user/staff-1\"]}",
        "{\"ChannelArn\":\"arn:aws:sns:us-east-1:111122223333:c-1\",\"MemberArn\":\"" + APP_INSTANCE
                + "/user/staff-1\"}",
        "{\"ChannelArn\":\"" + APP_INSTANCE + "/user/staff-1\",\"MemberArn\":\"" + APP_INSTANCE + "/user/staff-2\"}",
        "{\"ChannelArn\":\"" + APP_INSTANCE + "/channel/c-1\",\"MemberArns\":[]}",
        "{\"ChannelArn\":\"" + APP_INSTANCE + "/channel/c-1\",\"MemberArns\":\"" + APP_INSTANCE + "/user/staff-1\"}",
        "{\"MemberArns\":[\"" + APP_INSTANCE + "/user/staff-1\"],\"Type\":\"DEFAULT\"}",
        "{\"ChannelArn\":\"" + APP_INSTANCE + "/channel/c-1\",\"MemberArn\":\"" + APP_INSTANCE
                + "/user/staff-1\",\"SubChannelId\":\"s-1\"}",
    };
    /** Member ARNs a channel request must reject on their own. */
    private static final String[] BAD_MEMBER_ARNS = {
        FOREIGN_APP_INSTANCE + "/user/staff-1",
        "arn:aws:iam::111122223333:user/staff-1",
        APP_INSTANCE + "/user/..",
        APP_INSTANCE + "/user/..%2Fchannel%2Fc-1",
        APP_INSTANCE + "/channel/c-1",
        APP_INSTANCE + "/user/staff 1",
    };

    /**
     * The size and mix of a scenario. Probabilities are per message (per item for rejected and unknown members).
     *
     * @param channelShare the share of readable messages in a channel form (3 or 4) rather than a legacy one
     * @param administrator the share of channel messages whose Role is Administrator
     * @param badShared the share of channel messages whose Role or Type is wrong, so every member is rejected
     * @param removal the share of readable messages whose Action is Remove
     * @param reuse the chance that a member is one asked for before in the same room or channel (or there before the
     *              run), so adds, removals and role changes of one member follow each other, in one batch and across
     */
    public record Shape(int accounts, int roomsPerAccount, int usersPerAccount, double initialMember, int messages,
                        int minRequests, int maxItems, double bigMessage, double snsEnvelope, double unreadable,
                        double rejectedItem, double unknownMember, double missingRoom, double foreignAccount,
                        double fifo, int channels, int channelMembers, double channelShare, double administrator,
                        double badShared, boolean routed, double removal, double reuse) {
        private static final double[] CHANNEL_SHARES = {0, 0.4, 0.7, 1};

        /**
         * A property-test trial: a few rooms and channels, up to 60 messages, every kind of message often; some
         * trials rooms only, some channels only, most mixed, and about a third routed.
         */
        public static Shape small(Random random) {
            return new Shape(1 + random.nextInt(2), 1 + random.nextInt(6), 20 + random.nextInt(180), 0.05,
                    1 + random.nextInt(60), 0, 12, 0.08, 0.2, 0.06, 0.05, 0.08, 0.04, 0.04, 0.2,
                    1 + random.nextInt(6), 20 + random.nextInt(180), CHANNEL_SHARES[random.nextInt(4)], 0.2, 0.03,
                    random.nextInt(3) == 0, 0.3, 0.4);
        }

        /**
         * The soak: 500 rooms and 200 channels, about five requests per message, the odd message over a call's
         * limit; at least so many requests, the given share of the messages in a channel form.
         */
        public static Shape soak(int requests, double channelShare, boolean routed) {
            return new Shape(5, 100, 2_000, 0.005, requests / 5, requests, 9, 0.005, 0.2, 0.005, 0.01,
                    0.02, 0.005, 0.005, 0, 200, 2_000, channelShare, 0.1, 0.003, routed, 0.25, 0.35);
        }
    }

    /** The accounts a deployment under test manages (its ALLOWED_ACCOUNT_IDS); scenarios use a prefix of them. */
    public static final List<String> MANAGED_ACCOUNTS = List.of("acct-1", "acct-2", "acct-3", "acct-4", "acct-5");
    /** An account Chime has, with rooms and users, that the deployment does not manage. */
    public static final String FOREIGN_ACCOUNT = "acct-foreign";

    public record Account(String id, List<String> rooms, List<String> missingRooms, List<String> users,
                          Map<String, Set<String>> initialMembers) {
    }

    /**
     * The AppInstances as seeded: the managed one's channels (in a routed scenario, also one per room), its users and
     * bots, who is in which channel with which type and who moderates it; and the foreign AppInstance's.
     */
    public static final class Messaging {
        private final List<String> channels;
        private final Set<String> channelSet;
        private final List<String> missingChannels;
        private final List<String> members;
        private final Set<String> memberSet;
        private final Map<String, Map<String, String>> initialMembers;
        private final Map<String, Set<String>> initialModerators;
        private final List<String> foreignChannels;
        private final List<String> foreignMembers;

        Messaging(List<String> channels, List<String> missingChannels, List<String> members,
                  Map<String, Map<String, String>> initialMembers, Map<String, Set<String>> initialModerators,
                  List<String> foreignChannels, List<String> foreignMembers) {
            this.channels = List.copyOf(channels);
            this.channelSet = Set.copyOf(channels);
            this.missingChannels = List.copyOf(missingChannels);
            this.members = List.copyOf(members);
            this.memberSet = Set.copyOf(members);
            this.initialMembers = Map.copyOf(initialMembers);
            this.initialModerators = Map.copyOf(initialModerators);
            this.foreignChannels = List.copyOf(foreignChannels);
            this.foreignMembers = List.copyOf(foreignMembers);
        }

        public List<String> channels() {
            return channels;
        }

        public List<String> missingChannels() {
            return missingChannels;
        }

        /** The managed AppInstance's users and bots, the bearer aside. */
        public List<String> members() {
            return members;
        }

        public boolean hasChannel(String channelArn) {
            return channelSet.contains(channelArn);
        }

        public boolean hasMember(String memberArn) {
            return memberSet.contains(memberArn);
        }

        /** Channel to member to type, before the run. */
        public Map<String, Map<String, String>> initialMembers() {
            return initialMembers;
        }

        public Map<String, Set<String>> initialModerators() {
            return initialModerators;
        }

        public List<String> foreignChannels() {
            return foreignChannels;
        }

        public List<String> foreignMembers() {
            return foreignMembers;
        }
    }

    /** One requested legacy membership, as the producer wrote it. */
    public record Triple(String accountId, String roomId, String memberId) {
    }

    /**
     * One requested membership, as the generator meant it.
     *
     * @param legacy the legacy request's (AccountId, RoomId, MemberId); null for a channel form
     * @param channelArn the channel it goes to: a channel form's, or a routed legacy request's translation; null when
     *                   it goes to a room
     * @param memberArn the member's ARN in that channel; null when it goes to a room
     * @param type the membership type asked for (DEFAULT when the message names none); null for a room
     * @param role the Role the request named (Administrator: a room's administrator, a channel's moderator), or null
     *             when it named none
     * @param removal whether the message's Action is Remove
     */
    public record Ask(Triple legacy, String channelArn, String memberArn, String type, String role, boolean removal) {
        /** What a dead-letter record for this request names: the legacy ids, or the channel and member ARNs. */
        public String key() {
            return legacy != null ? roomKey(legacy.accountId(), legacy.roomId(), legacy.memberId())
                    : channelKey(channelArn, memberArn);
        }

        public boolean toChannel() {
            return channelArn != null;
        }

        /** Who the channel or room holds: the member ARN, or the MemberId. */
        public String member() {
            return toChannel() ? memberArn : legacy.memberId();
        }

        /** The conversation it is merged in with other requests of a batch. */
        public String conversation() {
            return toChannel() ? channelArn : legacy.accountId() + "/" + legacy.roomId();
        }

        /** Whether the function must refuse it without a call: an account or AppInstance it does not manage. */
        public boolean forbidden() {
            return (legacy != null && !managed(legacy.accountId()))
                    || (legacy == null && !channelArn.startsWith(APP_INSTANCE + "/"));
        }

        public boolean administrator() {
            return "Administrator".equals(role);
        }

        /** The (target, member) it is about: the room or channel, and who it holds. */
        public String target() {
            return conversation() + " " + member();
        }

        public Ask withRole(String otherRole) {
            return new Ask(legacy, channelArn, memberArn, type, otherRole, removal);
        }
    }

    public static String roomKey(String accountId, String roomId, String memberId) {
        return "room " + accountId + "/" + roomId + " " + memberId;
    }

    public static String channelKey(String channelArn, String memberArn) {
        return "channel " + channelArn + " " + memberArn;
    }

    /**
     * One message.
     *
     * @param valid the memberships it asks for, once each (a member named twice: as the later item wants it)
     * @param requests its member items, duplicates and rejected ones included (1 for an unreadable message)
     * @param rejectedItems how many of its items must be rejected on their own
     * @param rejectionCode the ErrorCode of its rejected items: BadRequest, or Forbidden for a request refused whole
     * @param unreadable the whole message must become one BadRequest record
     * @param legacy whether it is in a legacy form (its records keep that form)
     * @param channelArn the channel its records must name: its own, or a routed request's translation; else null
     * @param group its FIFO message group, or null on a standard queue
     * @param removal whether its Action is Remove
     */
    public record Message(String body, List<Ask> valid, int requests, int rejectedItems, String rejectionCode,
                          boolean unreadable, boolean legacy, String channelArn, String group, boolean removal) {
        /** Which target its requests go to, as the soak report counts them. */
        public String target() {
            return unreadable ? "unreadable messages"
                    : !legacy ? "channels" : channelArn != null ? "legacy routed to channels" : "rooms";
        }
    }

    public static Scenario generate(Random random, Shape shape) {
        if (shape.accounts() > MANAGED_ACCOUNTS.size()) {
            throw new IllegalArgumentException("at most " + MANAGED_ACCOUNTS.size() + " accounts");
        }
        List<Account> accounts = new ArrayList<>();
        for (int a = 1; a <= shape.accounts(); a++) {
            String accountId = MANAGED_ACCOUNTS.get(a - 1);
            List<String> rooms = new ArrayList<>();
            for (int r = 1; r <= shape.roomsPerAccount(); r++) {
                rooms.add("room-" + a + "-" + r);
            }
            List<String> users = new ArrayList<>();
            for (int u = 1; u <= shape.usersPerAccount(); u++) {
                users.add("user-" + a + "-" + u);
            }
            Map<String, Set<String>> initial = new LinkedHashMap<>();
            for (String room : rooms) {
                Set<String> members = new LinkedHashSet<>();
                for (String user : users) {
                    if (random.nextDouble() < shape.initialMember()) {
                        members.add(user);
                    }
                }
                initial.put(room, members);
            }
            accounts.add(new Account(accountId, rooms, List.of("room-" + a + "-gone"), users, initial));
        }
        List<String> foreignUsers = new ArrayList<>();
        for (int u = 1; u <= 20; u++) {
            foreignUsers.add("user-f-" + u);
        }
        Account foreign = new Account(FOREIGN_ACCOUNT, List.of("room-f-1"), List.of("room-f-gone"), foreignUsers,
                Map.of("room-f-1", Set.of()));
        Messaging messaging = messaging(random, shape, accounts);
        List<String> ownChannels = messaging.channels().subList(0, shape.channels());

        boolean fifo = random.nextDouble() < shape.fifo();
        List<Message> messages = new ArrayList<>();
        Counters counters = new Counters();
        for (int m = 0; m < shape.messages() || counters.requests < shape.minRequests(); m++) {
            String group = fifo ? "group-" + random.nextInt(4) : null;
            Message message;
            if (random.nextDouble() < shape.unreadable()) {
                message = new Message(UNREADABLE[random.nextInt(UNREADABLE.length)], List.of(), 1, 0,
                        "BadRequest", true, false, null, group, false);
            } else if (random.nextDouble() < shape.channelShare()) {
                message = channelMessage(random, shape, messaging, ownChannels, counters, group);
            } else {
                message = legacyMessage(random, shape, accounts, foreign, counters, group);
            }
            if (!message.unreadable() && random.nextDouble() < shape.snsEnvelope()) {
                message = new Message(write(JSON.createObjectNode()
                        .put("Type", "Notification")
                        .put("MessageId", "sns-" + m)
                        .put("TopicArn", "arn:aws:sns:eu-west-1:123456789012:hr-membership")
                        .put("Message", message.body())), message.valid(), message.requests(),
                        message.rejectedItems(), message.rejectionCode(), false, message.legacy(),
                        message.channelArn(), group, message.removal());
            }
            messages.add(message);
            counters.requests += message.requests();
        }
        accounts.add(foreign);
        return new Scenario(List.copyOf(accounts), messaging, List.copyOf(messages), fifo, shape.routed());
    }

    private static final class Counters {
        int ghosts;
        int rejects;
        int requests;
        /** Per room or channel, the members asked for in it so far, the first with those there before the run. */
        final Map<String, List<String>> asked = new java.util.HashMap<>();

        List<String> askedIn(String conversation, java.util.Collection<String> initial) {
            return asked.computeIfAbsent(conversation, c -> new ArrayList<>(initial));
        }

        void ask(String conversation, String member) {
            List<String> members = asked.get(conversation);
            if (members != null && !members.contains(member)) {
                members.add(member);
            }
        }
    }

    private static Messaging messaging(Random random, Shape shape, List<Account> accounts) {
        List<String> channels = new ArrayList<>();
        for (int c = 1; c <= shape.channels(); c++) {
            channels.add(APP_INSTANCE + "/channel/c-" + c);
        }
        List<String> members = new ArrayList<>();
        for (int u = 1; u <= shape.channelMembers(); u++) {
            // One in ten is a bot: bots are members as users are.
            members.add(APP_INSTANCE + (u % 10 == 0 ? "/bot/bot-" : "/user/staff-") + u);
        }
        Map<String, Map<String, String>> initial = new LinkedHashMap<>();
        Map<String, Set<String>> moderators = new LinkedHashMap<>();
        for (String channel : channels) {
            Map<String, String> in = new LinkedHashMap<>();
            Set<String> moderating = new LinkedHashSet<>();
            for (String member : members) {
                if (random.nextDouble() < shape.initialMember()) {
                    in.put(member, random.nextInt(3) == 0 ? ChannelsApi.HIDDEN : ChannelsApi.DEFAULT);
                    if (random.nextInt(5) == 0) {
                        moderating.add(member);
                    }
                }
            }
            initial.put(channel, in);
            moderators.put(channel, moderating);
        }
        if (shape.routed()) {
            // Each room's channel, with the room's members as default members, and a user per legacy MemberId.
            for (Account account : accounts) {
                account.users().forEach(user -> members.add(memberArn(user)));
                for (String room : account.rooms()) {
                    String channel = channelArn(account.id(), room);
                    channels.add(channel);
                    Map<String, String> in = new LinkedHashMap<>();
                    account.initialMembers().get(room).forEach(user -> in.put(memberArn(user), ChannelsApi.DEFAULT));
                    initial.put(channel, in);
                    moderators.put(channel, Set.of());
                }
            }
        }
        List<String> foreignMembers = new ArrayList<>();
        for (int u = 1; u <= 20; u++) {
            foreignMembers.add(FOREIGN_APP_INSTANCE + "/user/staff-" + u);
        }
        return new Messaging(channels, List.of(APP_INSTANCE + "/channel/c-gone"), members, initial, moderators,
                List.of(FOREIGN_APP_INSTANCE + "/channel/c-1"), foreignMembers);
    }

    /** Forms 1 and 2; in a routed scenario each request also knows the channel and member ARN it translates to. */
    private static Message legacyMessage(Random random, Shape shape, List<Account> accounts, Account foreign,
                                         Counters counters, String group) {
        Account account = random.nextDouble() < shape.foreignAccount()
                ? foreign
                : accounts.get(random.nextInt(accounts.size()));
        String room = random.nextDouble() < shape.missingRoom()
                ? account.missingRooms().get(0)
                : account.rooms().get(random.nextInt(account.rooms().size()));
        String channel = shape.routed() ? channelArn(account.id(), room) : null;
        boolean removal = random.nextDouble() < shape.removal();
        List<String> asked = counters.askedIn(account.id() + "/" + room,
                account.initialMembers().getOrDefault(room, Set.of()));
        int size = random.nextDouble() < shape.bigMessage()
                ? 40 + random.nextInt(90)
                : 1 + random.nextInt(shape.maxItems());
        boolean singleForm = size == 1 && random.nextBoolean();
        Map<String, Ask> valid = new LinkedHashMap<>();
        int rejected = 0;
        ArrayNode items = JSON.createArrayNode();
        for (int i = 0; i < size; i++) {
            ObjectNode item = items.addObject();
            if (!singleForm && random.nextDouble() < shape.rejectedItem()) {
                rejected++;
                switch (random.nextInt(shape.routed() ? 4 : 3)) {
                    case 0 -> item.put("MemberId", "reject-" + (++counters.rejects)).put("Role", "Owner");
                    case 1 -> item.put("Role", "Member");
                    case 2 -> item.put("MemberId", 4200 + (++counters.rejects));
                    // A MemberId a room could hold that gives no valid ARN through MEMBER_ARN_TEMPLATE.
                    default -> item.put("MemberId", "new hire " + (++counters.rejects));
                }
                continue;
            }
            String member = random.nextDouble() < shape.unknownMember()
                    ? "ghost-" + account.id() + "-" + (++counters.ghosts % 7)
                    : random.nextDouble() < shape.reuse() && !asked.isEmpty()
                    ? asked.get(random.nextInt(asked.size()))
                    : account.users().get(random.nextInt(account.users().size()));
            item.put("MemberId", member);
            counters.ask(account.id() + "/" + room, member);
            String role = null;
            // A removal names a role now and then: allowed, and its record keeps it.
            boolean named = removal ? random.nextInt(8) == 0 : random.nextInt(4) > 0;
            if (named) {
                role = ROLES[random.nextInt(2)];
                item.put("Role", role);
            }
            Triple triple = new Triple(account.id(), room, member);
            Ask ask = shape.routed()
                    ? new Ask(triple, channel, memberArn(member), ChannelsApi.DEFAULT, role, removal)
                    : new Ask(triple, null, null, null, role, removal);
            // The later item decides; a later one without a Role keeps the role an earlier one named.
            Ask earlier = valid.remove(ask.key());
            valid.put(ask.key(), role == null && earlier != null ? ask.withRole(earlier.role()) : ask);
        }
        ObjectNode request = JSON.createObjectNode().put("AccountId", account.id()).put("RoomId", room);
        if (removal) {
            request.put("Action", "Remove");
        } else if (random.nextInt(10) == 0) {
            request.put("Action", "Add");
        }
        if (singleForm) {
            request.setAll((ObjectNode) items.get(0));
        } else {
            request.set("MembershipItemList", items);
        }
        return new Message(write(request), List.copyOf(valid.values()), size, rejected,
                managed(account.id()) ? "BadRequest" : "Forbidden", false, true, channel, group, removal);
    }

    /** Forms 3 and 4: Type and Role for the whole message, members by ARN. */
    private static Message channelMessage(Random random, Shape shape, Messaging messaging, List<String> ownChannels,
                                          Counters counters, String group) {
        boolean foreign = random.nextDouble() < shape.foreignAccount();
        List<String> channels = foreign ? messaging.foreignChannels()
                // In a routed scenario channel requests also go to the rooms' channels, so both kinds merge.
                : random.nextDouble() < shape.missingRoom() ? messaging.missingChannels()
                : random.nextInt(3) > 0 ? ownChannels : messaging.channels();
        String channel = channels.get(random.nextInt(channels.size()));
        List<String> pool = foreign ? messaging.foreignMembers() : messaging.members();
        boolean removal = random.nextDouble() < shape.removal();
        List<String> asked = counters.askedIn(channel,
                messaging.initialMembers().getOrDefault(channel, Map.of()).keySet());
        int size = random.nextDouble() < shape.bigMessage()
                ? 90 + random.nextInt(160)
                : 1 + random.nextInt(shape.maxItems());
        boolean singleForm = size == 1 && random.nextBoolean();
        String type = switch (random.nextInt(3)) {
            case 0 -> null;
            case 1 -> ChannelsApi.DEFAULT;
            default -> ChannelsApi.HIDDEN;
        };
        String role = removal ? (random.nextInt(8) == 0 ? ROLES[random.nextInt(2)] : null)
                : random.nextDouble() < shape.administrator() ? "Administrator"
                : random.nextBoolean() ? "Member" : null;
        boolean badShared = random.nextDouble() < shape.badShared();
        if (badShared) {
            if (random.nextBoolean()) {
                role = "Owner";
            } else {
                type = "PRIVATE";
            }
        }
        Map<String, Ask> valid = new LinkedHashMap<>();
        int rejected = 0;
        ArrayNode arns = JSON.createArrayNode();
        for (int i = 0; i < size; i++) {
            if (random.nextDouble() < shape.rejectedItem()) {
                rejected++;
                int kind = random.nextInt(BAD_MEMBER_ARNS.length + (singleForm ? 0 : 1));
                if (kind == BAD_MEMBER_ARNS.length) {
                    arns.add(4200 + (++counters.rejects));
                } else if (foreign && kind == 0) {
                    // For the foreign channel, a user of the managed AppInstance is the one of another AppInstance.
                    arns.add(APP_INSTANCE + "/user/staff-1");
                } else {
                    arns.add(BAD_MEMBER_ARNS[kind]);
                }
                continue;
            }
            String member = !foreign && random.nextDouble() < shape.unknownMember()
                    ? APP_INSTANCE + "/user/ghost-" + (++counters.ghosts % 7)
                    : !foreign && random.nextDouble() < shape.reuse() && !asked.isEmpty()
                    ? asked.get(random.nextInt(asked.size()))
                    : pool.get(random.nextInt(pool.size()));
            arns.add(member);
            counters.ask(channel, member);
            if (badShared) {
                rejected++;
                continue;
            }
            Ask ask = new Ask(null, channel, member, type == null ? ChannelsApi.DEFAULT : type, role, removal);
            valid.remove(ask.key());
            valid.put(ask.key(), ask);
        }
        ObjectNode request = JSON.createObjectNode().put("ChannelArn", channel);
        if (singleForm) {
            request.set("MemberArn", arns.get(0));
        } else {
            request.set("MemberArns", arns);
        }
        if (type != null) {
            request.put("Type", type);
        }
        if (role != null) {
            request.put("Role", role);
        }
        if (removal) {
            request.put("Action", "Remove");
        } else if (random.nextInt(10) == 0) {
            request.put("Action", "Add");
        }
        return new Message(write(request), List.copyOf(valid.values()), size, rejected,
                foreign ? "Forbidden" : "BadRequest", false, false, channel, group, removal);
    }

    public static String channelArn(String accountId, String roomId) {
        return CHANNEL_ARN_TEMPLATE.replace("{AccountId}", accountId).replace("{RoomId}", roomId);
    }

    public static String memberArn(String memberId) {
        return MEMBER_ARN_TEMPLATE.replace("{MemberId}", memberId);
    }

    /** Puts the organisation into a freshly reset emulator. */
    public void seed(ChimeEmulator chime) {
        for (Account account : accounts) {
            chime.account(account.id());
            account.users().forEach(user -> chime.user(account.id(), user));
            account.rooms().forEach(room -> chime.room(account.id(), room));
            account.initialMembers().forEach((room, members) ->
                    members.forEach(member -> chime.member(account.id(), room, member, "Member")));
        }
        ChannelsApi channels = chime.channels();
        channels.appInstance(APP_INSTANCE).user(BEARER).appInstance(FOREIGN_APP_INSTANCE);
        for (String member : messaging.members()) {
            if (member.contains("/bot/")) {
                channels.bot(member);
            } else {
                channels.user(member);
            }
        }
        messaging.channels().forEach(channels::channel);
        messaging.initialMembers().forEach((channel, members) ->
                members.forEach((member, type) -> channels.member(channel, member, type)));
        messaging.initialModerators().forEach((channel, moderators) ->
                moderators.forEach(moderator -> channels.moderator(channel, moderator)));
        // The foreign AppInstance would accept the bearer's calls if they came: only the function can refuse them.
        channels.user(FOREIGN_APP_INSTANCE + "/user/hr-sync");
        messaging.foreignMembers().forEach(channels::user);
        messaging.foreignChannels().forEach(channels::channel);
    }

    /** Whether the function may ever carry out this request: managed, and its room or channel and member exist. */
    public boolean attainable(Ask ask) {
        if (ask.forbidden()) {
            return false;
        }
        if (ask.toChannel()) {
            return messaging.hasChannel(ask.channelArn()) && messaging.hasMember(ask.memberArn());
        }
        for (Account account : accounts) {
            if (account.id().equals(ask.legacy().accountId())) {
                return account.rooms().contains(ask.legacy().roomId())
                        && account.users().contains(ask.legacy().memberId());
            }
        }
        return false;
    }

    /** Whether its room or channel exists (in an account or AppInstance Chime has, managed or not). */
    public boolean conversationExists(Ask ask) {
        if (ask.toChannel()) {
            return messaging.hasChannel(ask.channelArn()) || messaging.foreignChannels().contains(ask.channelArn());
        }
        return accounts.stream().anyMatch(account -> account.id().equals(ask.legacy().accountId())
                && account.rooms().contains(ask.legacy().roomId()));
    }

    /** Whether the member was in its room or channel before the run. */
    public boolean initiallyPresent(Ask ask) {
        if (ask.toChannel()) {
            return initialType(ask.channelArn(), ask.memberArn()) != null;
        }
        return accounts.stream().anyMatch(account -> account.id().equals(ask.legacy().accountId())
                && account.initialMembers().getOrDefault(ask.legacy().roomId(), Set.of())
                .contains(ask.legacy().memberId()));
    }

    /** Whether the member was an administrator (a room's, seeded as none; a channel's moderator) before the run. */
    public boolean initiallyAdministrator(Ask ask) {
        return ask.toChannel() && initiallyModerator(ask.channelArn(), ask.memberArn());
    }

    /** The type a channel member had before the run, or null when it was not a member. */
    public String initialType(String channelArn, String memberArn) {
        Map<String, String> members = messaging.initialMembers().get(channelArn);
        return members == null ? null : members.get(memberArn);
    }

    public boolean initiallyModerator(String channelArn, String memberArn) {
        return messaging.initialModerators().getOrDefault(channelArn, Set.of()).contains(memberArn);
    }

    public static boolean managed(String accountId) {
        return MANAGED_ACCOUNTS.contains(accountId);
    }

    public int requests() {
        return messages.stream().mapToInt(Message::requests).sum();
    }

    /** Requests by the target they go to. */
    public Map<String, Integer> requestsByTarget() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        messages.forEach(message -> counts.merge(message.target(), message.requests(), Integer::sum));
        return counts;
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
