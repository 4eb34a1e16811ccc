// The scoring page, enhanced (it works without this): the progress counts follow the answers as they
// are chosen, and Save draft brings the person back to the question they were reading.
const form = document.querySelector("[data-scoring-form]");

if (form) {
  const groups = [...form.querySelectorAll("[data-area]")];
  const progress = document.querySelector("[data-progress]");

  const recount = () => {
    const byArea = {};
    let answered = 0;
    for (const group of groups) {
      const area = group.dataset.area;
      byArea[area] ??= { answered: 0, total: 0 };
      byArea[area].total += 1;
      if (group.querySelector("input[type=radio]:checked")) {
        byArea[area].answered += 1;
        answered += 1;
      }
    }
    progress.textContent = `Answered ${answered} of ${groups.length} questions`;
    for (const element of document.querySelectorAll("[data-area-progress]")) {
      const counts = byArea[element.dataset.areaProgress];
      if (!counts) continue;
      const suffix = element.closest("nav") ? " answered" : "";
      element.textContent = `${counts.answered} of ${counts.total}${suffix}`;
    }
  };

  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=radio]")) recount();
  });

  form.addEventListener("submit", () => {
    // The first question whose box is still on screen below the top edge.
    const inView = groups.find((group) => group.getBoundingClientRect().bottom > 0);
    form.querySelector("[data-return-to]").value = inView ? inView.id : "";
  });
}
