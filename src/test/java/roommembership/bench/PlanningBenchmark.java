package roommembership.bench;

import roommembership.pipeline.plan.BatchPlan;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * Planning cost: parse every body, group per room, split into chunks of 50, for one big event, on one thread. A
 * warmed loop: the first runs let the JIT compile, the rest are measured.
 */
final class PlanningBenchmark {
    record Result(int records, int requests, int rooms, int chunks, Stats requestsPerSecond) {
    }

    private PlanningBenchmark() {
    }

    static Result run(int records, int membersPerRecord, int rooms, int warmups, int runs) {
        List<String> bodies = bodies(records, membersPerRecord, rooms);
        int requests = records * membersPerRecord;
        BatchPlan plan = null;
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run < warmups + runs; run++) {
            // Each run starts from a collected heap, so no run pays for the garbage of the one before.
            System.gc();
            long started = System.nanoTime();
            List<ParsedMessage> messages = new ArrayList<>(bodies.size());
            for (String body : bodies) {
                messages.add(MessageParser.parse(body));
            }
            plan = BatchPlan.of(messages);
            long nanos = System.nanoTime() - started;
            if (run >= warmups) {
                rates.add(requests / (nanos / 1e9));
            }
        }
        return new Result(records, requests, plan.rooms(), plan.adds().size(), Stats.of(rates));
    }

    /** Form-1 bodies over {@code rooms} rooms, members numbered so that each room gets its share. */
    static List<String> bodies(int records, int membersPerRecord, int rooms) {
        List<String> bodies = new ArrayList<>(records);
        for (int r = 0; r < records; r++) {
            int room = r % rooms;
            StringBuilder body = new StringBuilder(64 + membersPerRecord * 48)
                    .append("{\"AccountId\":\"acct-bench\",\"RoomId\":\"room-").append(room)
                    .append("\",\"MembershipItemList\":[");
            for (int m = 0; m < membersPerRecord; m++) {
                body.append(m == 0 ? "" : ",").append("{\"MemberId\":\"user-").append(r / rooms).append('-')
                        .append(m).append("\",\"Role\":\"").append(m == 0 ? "Administrator" : "Member")
                        .append("\"}");
            }
            bodies.add(body.append("]}").toString());
        }
        return bodies;
    }
}
