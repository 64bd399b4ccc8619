package roommembership.pipeline.verify;

import roommembership.model.SourceRecord;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.target.MemberKey;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The members asked for by records on their last receive: a transient failure of theirs is checked by a read. */
public final class LastReceive {
    private LastReceive() {
    }

    public static Set<MemberKey> members(List<SourceRecord> records, List<ParsedMessage> messages,
                                         int maxReceiveCount) {
        Set<MemberKey> keys = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).receiveCount() >= maxReceiveCount) {
                for (ParsedMessage.Request request : messages.get(i).requests()) {
                    request.members().forEach(member -> keys.add(new MemberKey(request.target(), member.memberId())));
                }
            }
        }
        return keys;
    }
}
