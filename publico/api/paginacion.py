from rest_framework.pagination import PageNumberPagination


class Paginacion(PageNumberPagination):
    """Pages of 100 (`?pagina=N`), up to 500 with `?por_pagina=`."""

    page_size = 100
    page_query_param = "pagina"
    page_size_query_param = "por_pagina"
    max_page_size = 500
    invalid_page_message = "Página inválida: {message}"
