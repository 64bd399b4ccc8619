package roommembership.bench;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.SqsEvents;

import java.util.ArrayList;
import java.util.List;

/** A benchmark's organisation in the emulator and the SQS event that asks for all of it. */
record Organisation(int rooms, int membersPerRoom, int membersPerRecord) {
    static final String ACCOUNT = "acct-bench";

    int requests() {
        return rooms * membersPerRoom;
    }

    int expectedCalls() {
        return rooms * ((membersPerRoom + 49) / 50);
    }

    /** A fresh emulator state: the account, its rooms (empty) and every user. */
    void seed(ChimeEmulator chime) {
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
    SQSEvent event() {
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
