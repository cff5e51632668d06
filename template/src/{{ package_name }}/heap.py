"""What start-up built lives as long as the process: keep it out of the collector's way."""

import gc


def freeze_startup_objects() -> None:
    """Collect start-up's garbage, then exempt everything left from later collections.

    The modules, the app, its routes, models and schemas are never freed, yet every full
    collection walked them all: on a loaded worker that was a pause of 60-70 ms every few
    seconds, with every request in flight waiting behind it (bench/README.md of the
    template). Objects made later are collected as before.
    """
    gc.collect()
    gc.freeze()
