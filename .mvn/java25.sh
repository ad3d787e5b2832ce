# Sourced (POSIX sh) by ./mvnw, ./valoratbot and .ci/run: the project needs a JDK 25 or newer
# (records with sealed switches, --sun-misc-unsafe-memory-access in .mvn/jvm.config, compact
# object headers). When JAVA_HOME or the java on PATH is older, look for an installed one in the
# usual places, so a machine whose default java is 17 still builds; say in one line what to do
# when there is none.
valoratbot_java_ok() {
  "$1" -version 2>&1 | head -n 1 | grep -Eq '"(2[5-9]|[3-9][0-9])([."]|-)'
}
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && valoratbot_java_ok "$JAVA_HOME/bin/java"; then
  :
elif [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null 2>&1 && valoratbot_java_ok java; then
  :
else
  # ./mvnw runs under `set -f`: the search below needs globbing, restored afterwards.
  case $- in *f*) valoratbot_noglob=1; set +f ;; *) valoratbot_noglob="" ;; esac
  valoratbot_found=""
  for valoratbot_candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*25* \
      /Library/Java/JavaVirtualMachines/*25*/Contents/Home "$HOME"/.sdkman/candidates/java/25* "$HOME"/.jdks/*25*; do
    if [ -x "$valoratbot_candidate/bin/java" ] && valoratbot_java_ok "$valoratbot_candidate/bin/java"; then
      valoratbot_found="$valoratbot_candidate"
      break
    fi
  done
  [ -z "$valoratbot_noglob" ] || set -f
  if [ -z "$valoratbot_found" ]; then
    echo "valoratbot needs a JDK 25 or newer (found: $(${JAVA_HOME:+$JAVA_HOME/bin/}java -version 2>&1 | head -n 1)); install one and set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME="$valoratbot_found"
  export JAVA_HOME
fi
