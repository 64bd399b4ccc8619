package roommembership.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * independently of the function's parser: both request forms, SNS envelopes, duplicates across messages, items that
 * must be rejected, unreadable messages, FIFO groups.
 */
public record Scenario(List<Account> accounts, List<Message> messages, boolean fifo) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ROLES = {"Member", "Administrator"};
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
    };

    /** The size and mix of a scenario. Probabilities are per message. */
    public record Shape(int accounts, int roomsPerAccount, int usersPerAccount, double initialMember, int messages,
                        int minRequests, int maxItems, double bigMessage, double snsEnvelope, double unreadable,
                        double rejectedItem, double unknownMember, double missingRoom, double foreignAccount,
                        double fifo) {
        /** A property-test trial: a few rooms, up to 60 messages, every kind of message often. */
        public static Shape small(Random random) {
            return new Shape(1 + random.nextInt(2), 1 + random.nextInt(6), 20 + random.nextInt(180), 0.05,
                    1 + random.nextInt(60), 0, 12, 0.08, 0.2, 0.06, 0.05, 0.08, 0.04, 0.04, 0.2);
        }

        /** The soak: 500 rooms, about five requests per message, the odd message over 50 members; at least so many. */
        public static Shape soak(int requests) {
            return new Shape(5, 100, 2_000, 0.005, requests / 5, requests, 9, 0.005, 0.2, 0.005, 0.01,
                    0.02, 0.005, 0.005, 0);
        }
    }

    /** The accounts a deployment under test manages (its ALLOWED_ACCOUNT_IDS); scenarios use a prefix of them. */
    public static final List<String> MANAGED_ACCOUNTS = List.of("acct-1", "acct-2", "acct-3", "acct-4", "acct-5");
    /** An account Chime has, with rooms and users, that the deployment does not manage. */
    public static final String FOREIGN_ACCOUNT = "acct-foreign";

    public record Account(String id, List<String> rooms, List<String> missingRooms, List<String> users,
                          Map<String, Set<String>> initialMembers) {
    }

    /** One requested membership, as the generator meant it. */
    public record Triple(String accountId, String roomId, String memberId) {
    }

    /**
     * One message.
     *
     * @param accountId the account it names, null when it is unreadable
     * @param valid the memberships it asks for that the function must attempt
     * @param rejectedItems how many of its items must be rejected as BadRequest (bad role, no or non-string MemberId)
     * @param unreadable the whole message must become one BadRequest record
     * @param group its FIFO message group, or null on a standard queue
     */
    public record Message(String body, String accountId, List<Triple> valid, int rejectedItems, boolean unreadable,
                          String group) {
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
        boolean fifo = random.nextDouble() < shape.fifo();
        List<Message> messages = new ArrayList<>();
        int ghosts = 0;
        int rejects = 0;
        int requests = 0;
        for (int m = 0; m < shape.messages() || requests < shape.minRequests(); m++) {
            String group = fifo ? "group-" + random.nextInt(4) : null;
            if (random.nextDouble() < shape.unreadable()) {
                messages.add(new Message(UNREADABLE[random.nextInt(UNREADABLE.length)], null, List.of(), 0, true,
                        group));
                requests++;
                continue;
            }
            Account account = random.nextDouble() < shape.foreignAccount()
                    ? foreign
                    : accounts.get(random.nextInt(accounts.size()));
            String room = random.nextDouble() < shape.missingRoom()
                    ? account.missingRooms().get(0)
                    : account.rooms().get(random.nextInt(account.rooms().size()));
            int size = random.nextDouble() < shape.bigMessage()
                    ? 40 + random.nextInt(90)
                    : 1 + random.nextInt(shape.maxItems());
            boolean singleForm = size == 1 && random.nextBoolean();
            List<Triple> valid = new ArrayList<>();
            int rejected = 0;
            ArrayNode items = JSON.createArrayNode();
            for (int i = 0; i < size; i++) {
                ObjectNode item = items.addObject();
                if (!singleForm && random.nextDouble() < shape.rejectedItem()) {
                    rejected++;
                    switch (random.nextInt(3)) {
                        case 0 -> item.put("MemberId", "reject-" + (++rejects)).put("Role", "Owner");
                        case 1 -> item.put("Role", "Member");
                        default -> item.put("MemberId", 4200 + (++rejects));
                    }
                    continue;
                }
                String member = random.nextDouble() < shape.unknownMember()
                        ? "ghost-" + account.id() + "-" + (++ghosts % 7)
                        : account.users().get(random.nextInt(account.users().size()));
                item.put("MemberId", member);
                if (random.nextInt(4) > 0) {
                    item.put("Role", ROLES[random.nextInt(2)]);
                }
                valid.add(new Triple(account.id(), room, member));
            }
            ObjectNode request = JSON.createObjectNode().put("AccountId", account.id()).put("RoomId", room);
            if (singleForm) {
                request.setAll((ObjectNode) items.get(0));
            } else {
                request.set("MembershipItemList", items);
            }
            String body = write(request);
            if (random.nextDouble() < shape.snsEnvelope()) {
                body = write(JSON.createObjectNode()
                        .put("Type", "Notification")
                        .put("MessageId", "sns-" + m)
                        .put("TopicArn", "arn:aws:sns:eu-west-1:123456789012:hr-membership")
                        .put("Message", body));
            }
            messages.add(new Message(body, account.id(), List.copyOf(valid), rejected, false, group));
            requests += size;
        }
        accounts.add(foreign);
        return new Scenario(List.copyOf(accounts), List.copyOf(messages), fifo);
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
    }

    /** Whether the function may ever add this membership: a managed account, and the room and the user exist. */
    public boolean attainable(Triple triple) {
        if (!managed(triple.accountId())) {
            return false;
        }
        for (Account account : accounts) {
            if (account.id().equals(triple.accountId())) {
                return account.rooms().contains(triple.roomId()) && account.users().contains(triple.memberId());
            }
        }
        return false;
    }

    public static boolean managed(String accountId) {
        return MANAGED_ACCOUNTS.contains(accountId);
    }

    public int requests() {
        return messages.stream().mapToInt(message -> message.unreadable() ? 1
                : message.valid().size() + message.rejectedItems()).sum();
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
