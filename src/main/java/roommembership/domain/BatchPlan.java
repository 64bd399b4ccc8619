package roommembership.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The calls one batch needs: every valid request merged per conversation, each split into chunks. */
public record BatchPlan(int rooms, List<MemberChunk> chunks) {

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
        return new BatchPlan(conversations.size(), chunks);
    }

    private static void chunk(Conversation conversation, Iterable<Membership> members, List<MemberChunk> chunks) {
        int limit = conversation.maxMembersPerCall();
        List<Membership> chunk = new ArrayList<>(limit);
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
