#!/usr/bin/env bash
# Orders a phone number for a Chime SDK voice connector, and releases it again. Terraform has no
# resource for phone numbers, so null_resource.phone_number runs this script (local-exec) on the
# deploying machine, which needs bash and the AWS CLI v2 with the deployment's credentials (v1
# works too: the tests run it).
#
#   phone-number.sh order    search, order, wait for the order, associate, store in SSM
#   phone-number.sh release  disassociate, wait, delete, reset the SSM parameter
#
# Environment (set by Terraform from the null_resource's triggers):
#   AWS_REGION          Region of the voice connector
#   VOICE_CONNECTOR_ID  the voice connector
#   PARAMETER_NAME      SSM parameter that holds the ordered number
#   AREA_CODE, STATE    search criteria: the area code, else the state; one is needed, as a search
#                       for US numbers must name an area code, city, state or toll-free prefix
# Optional: ORDER_TIMEOUT_SECONDS (600), RELEASE_TIMEOUT_SECONDS (300), POLL_SECONDS (10).
set -euo pipefail

readonly NO_PHONE_NUMBER="none"
readonly ORDER_TIMEOUT_SECONDS="${ORDER_TIMEOUT_SECONDS:-600}"
readonly RELEASE_TIMEOUT_SECONDS="${RELEASE_TIMEOUT_SECONDS:-300}"
readonly POLL_SECONDS="${POLL_SECONDS:-10}"
# The CLI must never wait for a pager.
export AWS_PAGER=""

log() { printf 'phone-number: %s\n' "$*" >&2; }
fail() {
  log "error: $*"
  exit 1
}

: "${AWS_REGION:?AWS_REGION is not set}"
: "${VOICE_CONNECTOR_ID:?VOICE_CONNECTOR_ID is not set}"
: "${PARAMETER_NAME:?PARAMETER_NAME is not set}"

command -v aws >/dev/null || fail "the AWS CLI v2 (aws) is not on PATH; install it on the machine that runs terraform"

# Answers as text, so --query picks fields without another tool.
voice() { aws chime-sdk-voice "$@" --region "$AWS_REGION" --output text; }
ssm() { aws ssm "$@" --region "$AWS_REGION" --output text; }

is_e164() { [[ "$1" =~ ^\+[1-9][0-9]{1,14}$ ]]; }

# Runs `check ARGS...` every POLL_SECONDS until it succeeds; fails once `timeout` seconds have
# passed (measured, so the time the CLI takes counts too).
poll() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep "$POLL_SECONDS"
  done
}

# Prints a command's answer, or when it fails, its error message instead. The command's stderr
# never joins the answer: the CLI may print warnings there when it succeeds, and those go to stderr.
answer_or_error() {
  local errors_file answer errors status=0
  errors_file=$(mktemp) || return 1
  answer=$("$@" 2>"$errors_file") || status=$?
  errors=$(<"$errors_file")
  rm -f "$errors_file"
  if ((status != 0)); then
    printf '%s\n' "$errors"
    return "$status"
  fi
  [[ -z "$errors" ]] || printf '%s\n' "$errors" >&2
  printf '%s\n' "$answer"
}

# The service names errors in the x-amzn-ErrorType header or only in the body: as the exception
# (NotFoundException) or as its ErrorCode (NotFound). The CLI prints "An error occurred (<code>)".
is_not_found() { [[ "$1" == *"(NotFoundException)"* || "$1" == *"(NotFound)"* ]]; }

order_status="unknown"
order_successful() {
  order_status=$(voice get-phone-number-order --phone-number-order-id "$1" --query 'PhoneNumberOrder.Status') || return 1
  case "$order_status" in
    Successful) return 0 ;;
    Failed | Partial | Exception | CancelRequested | Cancelled)
      fail "phone number order $1 ended as $order_status; see the Chime SDK console, Phone number management > Orders" ;;
    *) return 1 ;;
  esac
}

# The number's status and how many associations it has, as "<status> <count>". The service may
# leave out an empty Associations list, and length() of null is an error.
number_state() {
  local state
  # shellcheck disable=SC2016 # the backticks are a JMESPath literal, not a command
  if ! state=$(answer_or_error voice get-phone-number --phone-number-id "$1" \
    --query '[PhoneNumber.Status, length(PhoneNumber.Associations || `[]`)]'); then
    printf '%s\n' "$state"
    return 1
  fi
  printf '%s\n' "${state//$'\t'/ }"
}

has_no_associations() {
  local state
  state=$(number_state "$1") || return 1
  [[ "${state##* }" == "0" ]]
}

# Disassociates and deletes a number. Chime keeps deleted numbers in a deletion queue for a few
# days, then releases them.
release_number() {
  local number="$1" state
  if ! state=$(number_state "$number"); then
    is_not_found "$state" || fail "could not look up $number: $state"
    state="gone 0"
  fi
  case "${state% *}" in
    gone | ReleaseInProgress | DeleteInProgress | Cancelled)
      log "$number is already released (${state% *})"
      return 0
      ;;
  esac
  if [[ "${state##* }" != "0" ]]; then
    voice disassociate-phone-numbers-from-voice-connector --voice-connector-id "$VOICE_CONNECTOR_ID" \
      --e164-phone-numbers "$number" >/dev/null
    poll "$RELEASE_TIMEOUT_SECONDS" has_no_associations "$number" ||
      fail "$number is still associated after $RELEASE_TIMEOUT_SECONDS seconds; disassociate it from voice connector $VOICE_CONNECTOR_ID and delete it in the Chime SDK console"
  fi
  voice delete-phone-number --phone-number-id "$number" >/dev/null
  log "released $number"
}

# Terraform does not run the destroy provisioner of a resource whose create failed, so a run
# that fails after ordering releases the number itself.
ordered_number=""
release_after_failure() {
  local status=$?
  trap - EXIT
  if ((status != 0)) && [[ -n "$ordered_number" ]]; then
    log "releasing $ordered_number, ordered by this failed run; should that fail too, delete it in the Chime SDK console, Phone number management"
    release_number "$ordered_number"
  fi
  exit "$status"
}

order() {
  local criteria number order_id errors
  if [[ -n "${AREA_CODE:-}" ]]; then
    criteria=(--area-code "$AREA_CODE")
  elif [[ -n "${STATE:-}" ]]; then
    criteria=(--state "$STATE")
  else
    fail "no search criteria: AREA_CODE and STATE are both empty; set phone_number_area_code (e.g. \"415\") or phone_number_state (e.g. \"WA\"), as a search for US numbers must name one"
  fi
  number=$(voice search-available-phone-numbers "${criteria[@]}" --max-results 1 --query 'E164PhoneNumbers[0]')
  is_e164 "$number" ||
    fail "no phone number is available for ${criteria[*]}; set another phone_number_area_code or phone_number_state"

  order_id=$(voice create-phone-number-order --product-type VoiceConnector --e164-phone-numbers "$number" \
    --query 'PhoneNumberOrder.PhoneNumberOrderId')
  ordered_number="$number"
  trap release_after_failure EXIT
  log "ordered $number (order $order_id)"
  poll "$ORDER_TIMEOUT_SECONDS" order_successful "$order_id" ||
    fail "order $order_id of $number is still $order_status after $ORDER_TIMEOUT_SECONDS seconds"

  errors=$(voice associate-phone-numbers-with-voice-connector --voice-connector-id "$VOICE_CONNECTOR_ID" \
    --e164-phone-numbers "$number" --force-associate --query 'PhoneNumberErrors')
  [[ -z "$errors" || "$errors" == "None" ]] ||
    fail "could not associate $number with voice connector $VOICE_CONNECTOR_ID: $errors"

  ssm put-parameter --name "$PARAMETER_NAME" --value "$number" --overwrite >/dev/null
  trap - EXIT
  log "$number is associated with voice connector $VOICE_CONNECTOR_ID and stored in $PARAMETER_NAME"
}

release() {
  local number
  if ! number=$(answer_or_error ssm get-parameter --name "$PARAMETER_NAME" --query 'Parameter.Value'); then
    [[ "$number" == *ParameterNotFound* ]] || fail "could not read $PARAMETER_NAME: $number"
    number=""
  fi
  if ! is_e164 "$number"; then
    log "$PARAMETER_NAME holds no phone number; nothing to release"
    return 0
  fi
  release_number "$number"
  ssm put-parameter --name "$PARAMETER_NAME" --value "$NO_PHONE_NUMBER" --overwrite >/dev/null
}

case "${1:-}" in
  order) order ;;
  release) release ;;
  *) fail "usage: $0 order|release" ;;
esac
