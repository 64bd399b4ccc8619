package roommembership.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The calls one batch needs: every valid request merged per room, each room split into chunks. */
public record BatchPlan(int rooms, List<RoomChunk> chunks) {
    /** The API's limit: BatchCreateRoomMembership takes at most 50 members. */
    public static final int MAX_MEMBERS_PER_CALL = 50;

    public BatchPlan {
        chunks = List.copyOf(chunks);
    }

    /**
     * Groups the requests of all messages by room. A member asked for more than once is sent once, with the role
     * of the last message (in batch order) that asked.
     */
    public static BatchPlan of(List<ParsedMessage> messages) {
        Map<RoomKey, Map<String, Role>> rooms = new LinkedHashMap<>();
        for (ParsedMessage message : messages) {
            if (message instanceof ParsedMessage.Request request && !request.members().isEmpty()) {
                Map<String, Role> members = rooms.computeIfAbsent(request.room(), room -> new LinkedHashMap<>());
                for (Membership member : request.members()) {
                    members.put(member.memberId(), member.role());
                }
            }
        }
        List<RoomChunk> chunks = new ArrayList<>();
        rooms.forEach((room, members) -> {
            List<Membership> chunk = new ArrayList<>(Math.min(members.size(), MAX_MEMBERS_PER_CALL));
            for (Map.Entry<String, Role> member : members.entrySet()) {
                chunk.add(new Membership(member.getKey(), member.getValue()));
                if (chunk.size() == MAX_MEMBERS_PER_CALL) {
                    chunks.add(new RoomChunk(room, chunk));
                    chunk = new ArrayList<>(MAX_MEMBERS_PER_CALL);
                }
            }
            if (!chunk.isEmpty()) {
                chunks.add(new RoomChunk(room, chunk));
            }
        });
        return new BatchPlan(rooms.size(), chunks);
    }
}
