"""TensorFlow's native log noise kept off the terminal of `tfp-pixel`."""

from tests import installed_command
from tfp_pixel_cli import tf_log_filter

_START_UP = (
    b'WARNING: All log messages before absl::InitializeLog() is called are '
    b'written to STDERR\n'
    b'I0000 00:00:1795705416.592872   20913 port.cc:153] oneDNN custom '
    b'operations are on.\n'
    b'I0000 00:00:1795705416.648295   20913 cpu_feature_guard.cc:227] This '
    b'TensorFlow binary is optimized.\n'
    b'To enable the following instructions: AVX2 FMA, in other operations, '
    b'rebuild TensorFlow.\n'
    b'E0000 00:00:1795705419.369321   20913 cuda_platform.cc:52] failed call '
    b'to cuInit: INTERNAL: CUDA error\n')
_REAL = (
    b'W0000 00:00:1795705420.1   20913 op_kernel.cc:1857] OP_REQUIRES failed '
    b'at save_restore_v2_ops.cc:213 : NOT_FOUND: x\n'
    b'E0000 00:00:1795705420.2   20913 some_kernel.cc:12] Something broke:\n'
    b'  a second line of it\n'
    b'F0000 00:00:1795705420.3   20913 logging.cc:52] Check failed: x\n'
    b'terminate called after throwing an instance of std::bad_alloc\n')


def test_known_noise_is_dropped_and_the_rest_passes():
  noise_filter = tf_log_filter.NoiseFilter()
  assert noise_filter.feed(_START_UP) == b''
  assert noise_filter.feed(_REAL) == _REAL


def test_a_record_is_dropped_with_its_lines_and_partial_lines_wait():
  noise_filter = tf_log_filter.NoiseFilter()
  abort = (b'E0000 00:00:1.2   7 base_collective_executor.cc:252] '
           b'BaseCollectiveExecutor::StartAbort UNAVAILABLE: lost\n'
           b'/job:worker/replica:0/task:1\n')
  assert noise_filter.feed(abort + b'Fatal Python') == b''
  assert noise_filter.pending
  assert noise_filter.feed(b' error: Aborted\n') == (
      b'Fatal Python error: Aborted\n')  # A line of a later write passes.
  assert noise_filter.feed(b'no newline yet') == b''
  assert noise_filter.flush() == b'no newline yet'


def test_the_installed_command_shows_only_its_own_lines(tmp_path):
  args = ['sample', '--run', 'nowhere', '-o', 'x.png']
  processes = [installed_command.start(args, cwd=tmp_path),
               installed_command.start(args + ['--verbose'], cwd=tmp_path)]
  quiet, verbose = installed_command.finish(processes, timeout=300)
  assert quiet[0] == verbose[0] == 1
  assert quiet[2] == ('Error: nowhere is not a run directory (it has no '
                      'config.json).\n')
  assert installed_command.native_log_lines(verbose[2]), verbose[2]
  assert verbose[2].endswith(quiet[2])
