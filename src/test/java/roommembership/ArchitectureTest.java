package roommembership;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.target.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules the layout stands for, held against the compiled main classes (ARCHITECTURE.md says why each holds).
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("roommembership");

    /** The pipeline's stages in their order. */
    private static final List<String> STAGES = List.of("read", "plan", "dispatch", "apply", "verify", "settle",
            "report");
    private static final String SERVICE = "roommembership.pipeline";
    /** The adapters: each talks to one outside thing, behind a port of the domain or at the function's edge. */
    private static final String[] ADAPTERS = {"roommembership.handler..", "roommembership.wiring..",
            "roommembership.sqs..", "roommembership.s3..", "roommembership.priming..", "roommembership.target.room..",
            "roommembership.target.channel..", "roommembership.target.sdk.."};
    private static final String[] WIRE_LIBRARIES = {"com.fasterxml.jackson..", "software.amazon.awssdk..",
            "com.amazonaws.."};
    private static final Set<String> KINDS = Set.of(RoomKey.class.getName(), ChannelKey.class.getName());

    @ParameterizedTest
    @ValueSource(strings = {"read", "plan", "dispatch", "apply", "verify", "settle", "report"})
    void aStageUsesOnlyTheStagesBeforeIt(String stage) {
        List<String> later = new ArrayList<>();
        STAGES.subList(STAGES.indexOf(stage) + 1, STAGES.size()).forEach(next -> later.add(SERVICE + "." + next + ".."));
        later.add(SERVICE);

        noClasses().that().resideInAPackage(SERVICE + "." + stage + "..")
                .should().dependOnClassesThat().resideInAnyPackage(later.toArray(String[]::new))
                .because("the pipeline runs read, plan, dispatch or apply and verify, settle, report: a stage takes "
                        + "the values of the stages before it and knows nothing of those after it")
                .check(MAIN);
    }

    @Test
    void theDomainReachesTheWorldOnlyThroughItsPorts() {
        noClasses().that().resideInAnyPackage("roommembership.model..", "roommembership.target",
                        "roommembership.pacing..", SERVICE + "..")
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS)
                .because("adapters implement the domain's ports and are chosen by the wiring, never named by the "
                        + "domain")
                .check(MAIN);
    }

    @Test
    void theDomainKnowsNeitherJsonNorTheAwsSdk() {
        noClasses().that().resideInAnyPackage("roommembership.model..", "roommembership.target",
                        "roommembership.pacing..", SERVICE, SERVICE + ".plan..", SERVICE + ".dispatch..", SERVICE + ".apply..", SERVICE + ".verify..", SERVICE + ".settle..")
                .should().dependOnClassesThat().resideInAnyPackage(WIRE_LIBRARIES)
                .because("the domain works on records and values; text and wire formats belong to the edges")
                .check(MAIN);
    }

    @Test
    void theEdgeStagesReadAndWriteTextButCallNoService() {
        noClasses().that().resideInAnyPackage(SERVICE + ".read..", SERVICE + ".report..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..")
                .because("reading bodies and writing log lines is text work: the calls are the apply stage's, "
                        + "through its port")
                .check(MAIN);
    }

    @Test
    void noPackagesDependOnEachOtherInACycle() {
        slices().matching("roommembership.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheTargetPackagesAndTheReadStageNameAKindOfTarget() {
        noClasses().that().resideOutsideOfPackages("roommembership.target..", SERVICE + ".read..")
                .and().resideInAPackage("roommembership..")
                .should().dependOnClassesThat().belongToAnyOf(RoomKey.class, ChannelKey.class)
                .because("everything after reading holds a Target and asks it what it needs; a new kind of target "
                        + "is a new key and API in the target packages, and a new form in the read stage")
                .check(MAIN);
    }

    @Test
    void onlyTheTargetPackagesTellTheKindsOfTargetApart() {
        classes().that().resideOutsideOfPackage("roommembership.target..")
                .and().resideInAPackage("roommembership..")
                .should(neverTellTheKindsApart())
                .because("the one decision by kind is the target package's, where the compiler checks every "
                        + "switch over Target.Kind for a new kind")
                .check(MAIN);
    }

    /** Violated by an instanceof check or class literal of a key class, or a look at {@link Target#kind()}. */
    private static ArchCondition<JavaClass> neverTellTheKindsApart() {
        return new ArchCondition<>("never tell a room from a channel") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                for (JavaCodeUnit unit : javaClass.getCodeUnits()) {
                    unit.getInstanceofChecks().stream()
                            .filter(check -> KINDS.contains(check.getRawType().getName()))
                            .forEach(check -> events.add(SimpleConditionEvent.violated(check, unit.getFullName() + " checks instanceof "
                                    + check.getRawType().getSimpleName() + " " + check.getSourceCodeLocation())));
                    unit.getReferencedClassObjects().stream()
                            .filter(reference -> KINDS.contains(reference.getRawType().getName()))
                            .forEach(reference -> events.add(SimpleConditionEvent.violated(reference,
                                    unit.getFullName() + " refers to " + reference.getRawType().getSimpleName()
                                            + ".class " + reference.getSourceCodeLocation())));
                    unit.getMethodCallsFromSelf().stream()
                            .filter(call -> call.getName().equals("kind")
                                    && call.getTargetOwner().isAssignableTo(Target.class))
                            .forEach(call -> events.add(SimpleConditionEvent.violated(call, call.getDescription())));
                }
                javaClass.getDirectDependenciesFromSelf().stream()
                        .filter(dependency -> dependency.getTargetClass().isEquivalentTo(Target.Kind.class))
                        .forEach(dependency -> events.add(
                                SimpleConditionEvent.violated(dependency, dependency.getDescription())));
            }
        };
    }
}
