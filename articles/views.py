from django.views.generic import DetailView, ListView

from articles.models import Article, Person, Quote


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_article_page()


class PersonDetailView(DetailView):
    template_name = "articles/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.published().prefetch_related("tags")

    def get_context_data(self, **kwargs):
        person = self.object
        return super().get_context_data(
            quotes=Quote.objects.published()
            .filter(speaker=person)
            .select_related("article", "speaker", "source")
            .order_by("-article__published_at", "position"),
            articles=person.articles.published().order_by("-published_at"),
            **kwargs,
        )
