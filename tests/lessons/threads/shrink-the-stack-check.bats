#!/usr/bin/env bats
# Exercise 3 of handouts/05-threads.md, on the lab with a 24 KiB stack per
# thread: a client that floods and leaves makes the server's thread write
# an error message, and that overflows the stack.

load ../../helpers

@test "with a 24 KiB stack the server dies with a segmentation fault after a flood" {
  # The handout's flood, from the top of the repository, on this test's port.
  flood=$(handout_command 05-threads.md shrink-the-stack 'tests/tools/peer flood ')
  start_server threads
  handout_substitute flood ' 5300' " $SERVER_PORT"
  run bash -c "cd '$ROOT' && timeout 60 $flood"
  eventually not is_running "$SERVER_PID"
  status=0
  wait "$SERVER_PID" || status=$?
  SERVER_PID= # it is gone: nothing for teardown to stop
  # 139: killed by SIGSEGV (128 + 11); a sanitizer build reports the
  # overflow itself.
  ((status == 139)) || file_has "$SERVER_ERR" 'stack-overflow|SEGV'
  # It died before its message about the client came out in full.
  run ! file_has "$SERVER_ERR" '^server: write to .*(Connection reset by peer|Broken pipe)$'
}
