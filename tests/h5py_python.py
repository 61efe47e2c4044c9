"""The python3 that has h5py and numpy, for tests that edit HDF5 files
(the python3 running the test may be another one)."""
import shutil
import subprocess
import sys


def find_h5py_python():
    for candidate in (sys.executable, "python3", "/usr/bin/python3"):
        if shutil.which(candidate) and subprocess.run(
                [candidate, "-c", "import h5py, numpy"],
                capture_output=True).returncode == 0:
            return candidate
    return None
