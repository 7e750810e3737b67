#!/usr/bin/env bats
# Lesson: exercise 5
# Says: a late echo of "same" is taken for the second "same"; the real one is skipped before "other"

load ../../helpers

@test "the second same is printed with no warning, the warning comes before other" {
  # The handout's client for terminal A (typed into by hand: here, by
  # send_line), with this test's port; Ctrl-Z and fg are SIGSTOP and SIGCONT.
  client=$(handout_command 02-udp-echo.md repeat-yourself './client ')
  read -r -a words <<<"$client"
  [[ ${words[*]:1} == '-t 300' ]] # the timeout the messages below name
  start_server udp-echo
  start_client A udp-echo "${words[@]:1}" 127.0.0.1 "$SERVER_PORT"
  kill -STOP "$SERVER_PID" # Ctrl-Z
  send_line A same
  eventually file_has "$BATS_TEST_TMPDIR/A.err" 'no reply within 300 ms'
  kill -CONT "$SERVER_PID" # fg
  eventually file_has "$SERVER_OUT" ': 4 bytes$'
  send_line A same
  eventually file_has "$BATS_TEST_TMPDIR/A.out" '^same$'
  assert_equal "$(count_lines "$BATS_TEST_TMPDIR/A.err" 'ignoring')" 0
  eventually count_is 2 "$SERVER_OUT" ': 4 bytes$'
  send_line A other
  eventually file_has "$BATS_TEST_TMPDIR/A.out" '^other$'
  end_input A
  client_exits A
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/A.err"
  assert_output $'client: no reply within 300 ms\nclient: ignoring a late reply of 4 bytes\nclient: 1 of 3 replies never came'
}
