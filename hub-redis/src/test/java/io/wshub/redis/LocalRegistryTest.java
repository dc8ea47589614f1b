package io.wshub.redis;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalRegistryTest {

    private record Written(Stamp stamp, List<MembershipOp> ops) {
    }

    private final LocalRegistry registry = new LocalRegistry(7);
    private final List<Written> written = new ArrayList<>();

    private Void write(Stamp stamp, List<MembershipOp> ops) {
        written.add(new Written(stamp, ops));
        return null;
    }

    @Test
    void everyChangeIsWrittenWithTheNextStampOfThisIncarnation() {
        registry.claim("a", this::write);
        registry.join("a", "r", this::write);
        registry.leave("a", "r", this::write);

        assertThat(written).extracting(Written::stamp).containsExactly(new Stamp(7, 1), new Stamp(7, 2), new Stamp(7, 3));
        assertThat(written).extracting(Written::ops).containsExactly(
                List.of(MembershipOp.addSession("a")), List.of(MembershipOp.join("a", "r")), List.of(MembershipOp.leave("a", "r")));
    }

    @Test
    void releasingAnIdLeavesItsRoomsToo() {
        registry.claim("a", this::write);
        registry.join("a", "r", this::write);
        written.clear();

        registry.release("a", this::write);

        assertThat(written).singleElement().extracting(Written::ops)
                .isEqualTo(List.of(MembershipOp.leave("a", "r"), MembershipOp.removeSession("a")));
        assertThat(registry.sessionCount()).isZero();
    }

    @Test
    void aJoinReportedAfterTheSessionsReleaseIsIgnored() {
        registry.claim("a", this::write);
        registry.release("a", this::write);
        written.clear();

        registry.join("a", "r", this::write);
        registry.leave("a", "r", this::write);
        registry.release("a", this::write);

        assertThat(written).isEmpty();
    }

    @Test
    void aRegistrationCarriesEveryIdAndMembershipWithANewStamp() {
        registry.claim("a", this::write);
        registry.claim("b", this::write);
        registry.join("a", "r", this::write);
        registry.join("a", "s", this::write);
        written.clear();

        registry.register(this::write);

        Written w = written.get(0);
        assertThat(w.stamp()).isEqualTo(new Stamp(7, 5));
        assertThat(w.ops()).containsExactlyInAnyOrder(MembershipOp.addSession("a"), MembershipOp.addSession("b"),
                MembershipOp.join("a", "r"), MembershipOp.join("a", "s"));
    }
}
