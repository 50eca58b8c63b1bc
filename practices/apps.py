from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "practices"

    def ready(self):
        from smeplatform import pagecache

        pagecache.connect_signals()
