"""Options for `./cairn bench`."""


def pytest_addoption(parser):
    parser.addoption(
        "--schools",
        type=int,
        default=1000,
        help="How many school schemas the migrations benchmark builds (default 1,000).",
    )
