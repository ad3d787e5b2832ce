# Sourced (POSIX sh) by ./mvnw, ./valoratbot and .ci/run: the project needs a JDK 25 or newer
# (records with sealed switches, --sun-misc-unsafe-memory-access in .mvn/jvm.config, compact
# object headers). When JAVA_HOME or the java on PATH is older, look for an installed one in the
# usual places, so a machine whose default java is 17 still builds; say in one line what to do
# when there is none.
valoratbot_java_ok() {
  # The JDK's `release` file says its version without starting a JVM: `java -version` costs
  # 0.1-0.2 s, once or twice on every launcher call (a CLI call's target is 1 s). A java without
  # that file (a bare JRE layout) is asked the slow way.
  valoratbot_bin="$1"
  case "$valoratbot_bin" in
    */*) ;;
    *) valoratbot_bin="$(command -v "$valoratbot_bin" 2>/dev/null)" || return 1 ;;
  esac
  valoratbot_real="$(readlink -f "$valoratbot_bin" 2>/dev/null)" || valoratbot_real="$valoratbot_bin"
  valoratbot_release="$(dirname "$(dirname "$valoratbot_real")")/release"
  if [ -f "$valoratbot_release" ]; then
    grep -Eq '^JAVA_VERSION="(2[5-9]|[3-9][0-9])([."]|-)' "$valoratbot_release"
    return
  fi
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
