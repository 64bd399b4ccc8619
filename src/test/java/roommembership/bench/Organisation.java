package roommembership.bench;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.SqsEvents;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A benchmark's chat-room organisation in the emulator and the SQS event that asks for all of it. */
record Organisation(int rooms, int membersPerRoom, int membersPerRecord) implements Workload {
    static final String ACCOUNT = "acct-bench";
    private static final int MEMBERS_PER_CALL = 50;

    @Override
    public String conversationKind() {
        return "rooms";
    }

    @Override
    public int conversations() {
        return rooms;
    }

    @Override
    public int requests() {
        return rooms * membersPerRoom;
    }

    @Override
    public int membersPerCall() {
        return MEMBERS_PER_CALL;
    }

    @Override
    public int expectedCalls() {
        return rooms * ((membersPerRoom + MEMBERS_PER_CALL - 1) / MEMBERS_PER_CALL);
    }

    @Override
    public int callsMade(ChimeEmulator chime) {
        return chime.calls().size();
    }

    @Override
    public Map<String, String> settings() {
        return Map.of();
    }

    /** A fresh emulator state: the account, its rooms (empty) and every user. */
    @Override
    public void seed(ChimeEmulator chime) {
        chime.reset();
        chime.account(ACCOUNT);
        for (int room = 0; room < rooms; room++) {
            chime.room(ACCOUNT, roomId(room));
            for (int member = 0; member < membersPerRoom; member++) {
                chime.user(ACCOUNT, memberId(room, member));
            }
        }
    }

    /** Records of {@code membersPerRecord} members each, room after room. */
    @Override
    public SQSEvent event() {
        SqsEvents batch = SqsEvents.batch();
        for (int room = 0; room < rooms; room++) {
            for (int from = 0; from < membersPerRoom; from += membersPerRecord) {
                List<String> ids = new ArrayList<>();
                for (int member = from; member < Math.min(from + membersPerRecord, membersPerRoom); member++) {
                    ids.add(memberId(room, member));
                }
                batch.record(SqsEvents.members(ACCOUNT, roomId(room), ids));
            }
        }
        return batch.build();
    }

    private static String roomId(int room) {
        return "room-" + room;
    }

    private static String memberId(int room, int member) {
        return "user-" + room + "-" + member;
    }
}
