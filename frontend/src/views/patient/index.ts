// Patient screens.
import { route } from "../../router";
import { captureView } from "./capture";
import { editDayView, historyView } from "./history";
import { notificationsView } from "./notifications";
import { photoCompareView } from "./photo-compare";
import { photosView } from "./photos";
import { ratingView } from "./rating";
import { recoveryView } from "./recovery";
import { screeningView } from "./screening";
import { todayView } from "./today";

export function registerPatientRoutes(): void {
  route("/today", todayView);
  route("/history", historyView);
  route("/checkin/:date", editDayView);
  route("/recovery", recoveryView);
  route("/notifications", notificationsView);
  route("/screening", screeningView);
  route("/photos", photosView);
  route("/photos/:area/new", captureView);
  route("/photos/:area/compare", photoCompareView);
  route("/rate/:session_id", ratingView);
}
