# sam build (template.yaml: Metadata BuildMethod: makefile) runs, in a copy of this folder,
#   make --makefile <this Makefile> build-RoomMembershipFunction
# with ARTIFACTS_DIR set to the function's folder under .aws-sam/build, whose content it then zips and deploys.
# SamBuildIT runs the same command the same way and checks the result against the jar the other ITs run.

JAR := target/room-membership.jar
# The JDK's own jar tool, which every machine that can run Maven has; unzip often is not installed.
JAR_TOOL := $(if $(JAVA_HOME),$(JAVA_HOME)/bin/jar,jar)

.PHONY: build-RoomMembershipFunction
build-RoomMembershipFunction:
	$(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set; sam build sets it to the function's build folder))
	@# clean: the copy may carry an old target/ from the project. maven.test.skip: the tests are neither compiled
	@# nor run (failsafe binds to integration-test, after package), so no loopback server is started.
	mvn --batch-mode --quiet -Dmaven.test.skip=true clean package
	@# Lambda runs a zip's root as the class path: the shaded jar's entries, not the jar, go there.
	cd "$(ARTIFACTS_DIR)" && "$(JAR_TOOL)" xf "$(CURDIR)/$(JAR)"
