package roommembership.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The calls one batch needs: every valid request merged per conversation, each split into chunks. */
/**
 * @param rooms the rooms with members to add
 * @param channels the channels with members to add
 */
public record BatchPlan(int rooms, int channels, List<MemberChunk> chunks) {

    public BatchPlan {
        chunks = List.copyOf(chunks);
    }

    /**
     * Groups the requests of all messages by conversation. A member asked for more than once is sent once, as the
     * last message (in batch order) that asked wants it.
     */
    public static BatchPlan of(List<ParsedMessage> messages) {
        Map<Conversation, Map<String, Membership>> conversations = new LinkedHashMap<>();
        for (ParsedMessage message : messages) {
            if (message instanceof ParsedMessage.Request request && !request.members().isEmpty()) {
                Map<String, Membership> members =
                        conversations.computeIfAbsent(request.conversation(), c -> new LinkedHashMap<>());
                for (Membership member : request.members()) {
                    members.put(member.memberId(), member);
                }
            }
        }
        List<MemberChunk> chunks = new ArrayList<>();
        conversations.forEach((conversation, members) -> chunk(conversation, members.values(), chunks));
        int rooms = (int) conversations.keySet().stream().filter(RoomKey.class::isInstance).count();
        return new BatchPlan(rooms, conversations.size() - rooms, chunks);
    }

    /** One call takes one membership type, so hidden members go in calls of their own. */
    private static void chunk(Conversation conversation, Iterable<Membership> members, List<MemberChunk> chunks) {
        Map<MembershipType, List<Membership>> byType = new LinkedHashMap<>();
        for (Membership member : members) {
            byType.computeIfAbsent(member.type(), type -> new ArrayList<>()).add(member);
        }
        byType.values().forEach(ofOneType -> split(conversation, ofOneType, chunks));
    }

    private static void split(Conversation conversation, List<Membership> members, List<MemberChunk> chunks) {
        int limit = conversation.maxMembersPerCall();
        List<Membership> chunk = new ArrayList<>(Math.min(limit, members.size()));
        for (Membership member : members) {
            chunk.add(member);
            if (chunk.size() == limit) {
                chunks.add(new MemberChunk(conversation, chunk));
                chunk = new ArrayList<>(limit);
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(new MemberChunk(conversation, chunk));
        }
    }
}
