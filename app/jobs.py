"""``python -m app.jobs``: the documented name of the job worker, kept as an alias of ``python -m app.worker``."""
import sys

if __name__ == "__main__":
    from app.worker.__main__ import main
    sys.exit(main())
